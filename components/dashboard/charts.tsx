"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { BarDatum } from "@/lib/read-models/overview";

const axis = { fontSize: 12, fill: "#475569" };
const ROW = 44;

/**
 * Horizontal bars, each with its name and value written above it, so the chart reads
 * without hovering and long names never fight a narrow axis on a phone. Bars are at least
 * a few pixels long, so a small value beside a large one is still seen (its label says
 * how small). The caption repeats every value for screen readers.
 */
export function LabelledBars({
  data,
  label,
  color = "#4f46e5",
}: {
  data: BarDatum[];
  label: string;
  color?: string;
}) {
  const byName = new Map(data.map((d) => [d.name, d]));
  return (
    <figure aria-label={label}>
      <ResponsiveContainer width="100%" height={data.length * ROW + 8}>
        <BarChart data={data} layout="vertical" margin={{ top: 18, right: 8, bottom: 0, left: 0 }}>
          <XAxis type="number" hide domain={[0, "dataMax"]} />
          <YAxis type="category" dataKey="name" hide />
          <Tooltip
            cursor={{ fill: "#f1f5f9" }}
            formatter={(_value, _name, item) => [(item.payload as BarDatum).display, label]}
          />
          <Bar dataKey="value" fill={color} barSize={14} radius={[0, 4, 4, 0]} minPointSize={4}>
            <LabelList
              dataKey="name"
              content={(props) => {
                const datum = byName.get(String(props.value));
                const x = Number(props.x ?? 0);
                const y = Number(props.y ?? 0);
                return datum ? (
                  <text x={x} y={y - 5} fontSize={12} fill="#1e293b">
                    <tspan>{datum.name}</tspan>
                    <tspan fontWeight={600} dx={6}>
                      {datum.display}
                    </tspan>
                  </text>
                ) : null;
              }}
            />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">
        {data.map((d) => `${d.name}: ${d.display}`).join("; ")}
      </figcaption>
    </figure>
  );
}

const unitShort = { seconds: "s", minutes: "min", hours: "h", days: "days" } as const;

export function TimeToRewardChart({
  unit,
  data,
}: {
  unit: keyof typeof unitShort;
  data: { day: string; median: number; p90: number }[];
}) {
  const short = unitShort[unit];
  const points = data.map((d) => ({ ...d, day: d.day.slice(5) }));
  return (
    <figure
      aria-label={`Time from payout created to paid, in ${unit}: median and 90th percentile by day`}
    >
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={points} margin={{ top: 8, left: 0, right: 16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" tick={axis} padding={{ left: 16, right: 16 }} />
          <YAxis
            tick={axis}
            width={56}
            domain={[0, "auto"]}
            allowDecimals={false}
            tickFormatter={(v: number) => `${v} ${short}`}
          />
          <Tooltip formatter={(v) => `${v} ${short}`} />
          <Legend />
          <Line type="monotone" dataKey="median" name="Median" stroke="#4f46e5" strokeWidth={2} />
          <Line
            type="monotone"
            dataKey="p90"
            name="90th percentile"
            stroke="#b45309"
            strokeWidth={2}
            strokeDasharray="5 3"
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
