"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  Legend,
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
          <Bar
            dataKey="value"
            fill={color}
            barSize={14}
            radius={[0, 4, 4, 0]}
            minPointSize={4}
            // Recharts draws labels only once a bar's animation ends: without it they are
            // there from the first paint, and after every resize.
            isAnimationActive={false}
          >
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

/** A bar's value and unit on one line above it (recharts' own label wraps to the bar's width). */
function aboveBar(unit: string) {
  return (props: { x?: unknown; y?: unknown; width?: unknown; value?: unknown }) => (
    <text
      x={Number(props.x ?? 0) + Number(props.width ?? 0) / 2}
      y={Number(props.y ?? 0) - 6}
      textAnchor="middle"
      fontSize={12}
      fill="#334155"
    >
      {`${props.value} ${unit}`}
    </text>
  );
}

/** Past this many days the bars' own labels would crowd; the axis and tooltip remain. */
const LABELLED_DAYS = 10;

/**
 * Per day of payment, the median and 90th-percentile wait as a pair of bars, in the unit
 * the read model chose for the data (lib/read-models/overview.ts), each bar labelled.
 * Bars rather than a line: a fresh organisation has one or two days, which a line draws
 * as a dot.
 */
export function TimeToRewardChart({
  unit,
  data,
}: {
  unit: keyof typeof unitShort;
  data: { day: string; median: number; p90: number }[];
}) {
  const short = unitShort[unit];
  const points = data.map((d) => ({ ...d, day: d.day.slice(5) }));
  const withUnit = (v: unknown) => `${v} ${short}`;
  const labelled = points.length <= LABELLED_DAYS;
  return (
    <figure
      aria-label={`Time from payout created to paid, in ${unit}: median and 90th percentile by day`}
    >
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={points} margin={{ top: 20, left: 0, right: 8 }} barGap={2}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tick={axis} />
          <YAxis
            tick={axis}
            width={60}
            domain={[0, "auto"]}
            allowDecimals={false}
            tickFormatter={withUnit}
          />
          <Tooltip formatter={withUnit} cursor={{ fill: "#f1f5f9" }} />
          <Legend itemSorter={null} />
          <Bar
            dataKey="median"
            name="Median"
            fill="#4f46e5"
            maxBarSize={40}
            radius={[4, 4, 0, 0]}
            isAnimationActive={false}
          >
            {labelled ? <LabelList dataKey="median" content={aboveBar(short)} /> : null}
          </Bar>
          <Bar
            dataKey="p90"
            name="90th percentile"
            fill="#b45309"
            maxBarSize={40}
            radius={[4, 4, 0, 0]}
            isAnimationActive={false}
          >
            {labelled ? <LabelList dataKey="p90" content={aboveBar(short)} /> : null}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
