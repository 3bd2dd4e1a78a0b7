"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

const axis = { fontSize: 12, fill: "#475569" };

export function CountBarChart({
  data,
  label,
  color = "#4f46e5",
  layout = "vertical",
}: {
  data: { name: string; value: number }[];
  label: string;
  color?: string;
  layout?: "vertical" | "horizontal";
}) {
  const height = layout === "vertical" ? Math.max(160, data.length * 32 + 40) : 240;
  return (
    <figure aria-label={label}>
      <ResponsiveContainer width="100%" height={height}>
        {layout === "vertical" ? (
          <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" allowDecimals={false} tick={axis} />
            <YAxis type="category" dataKey="name" width={120} tick={axis} />
            <Tooltip />
            <Bar dataKey="value" name={label} fill={color} radius={[0, 4, 4, 0]} />
          </BarChart>
        ) : (
          <BarChart data={data} margin={{ left: 0, right: 16 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" tick={axis} />
            <YAxis allowDecimals={false} tick={axis} />
            <Tooltip />
            <Bar dataKey="value" name={label} fill={color} radius={[4, 4, 0, 0]} />
          </BarChart>
        )}
      </ResponsiveContainer>
    </figure>
  );
}

export function TimeToRewardChart({
  data,
}: {
  data: { day: string; medianHours: number; p90Hours: number }[];
}) {
  const rounded = data.map((d) => ({
    day: d.day.slice(5),
    median: Math.round(d.medianHours * 10) / 10,
    p90: Math.round(d.p90Hours * 10) / 10,
  }));
  return (
    <figure aria-label="Hours from payout created to paid, median and 90th percentile, by day">
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={rounded} margin={{ left: 0, right: 16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" tick={axis} />
          <YAxis tick={axis} unit="h" />
          <Tooltip formatter={(v) => `${v} h`} />
          <Legend />
          <Line
            type="monotone"
            dataKey="median"
            name="Median"
            stroke="#4f46e5"
            strokeWidth={2}
            dot={false}
          />
          <Line
            type="monotone"
            dataKey="p90"
            name="p90"
            stroke="#b45309"
            strokeWidth={2}
            strokeDasharray="5 3"
            dot={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
