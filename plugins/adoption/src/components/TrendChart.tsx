import { InfoCard } from '@backstage/core-components';
import { Grid, useTheme } from '@material-ui/core';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/** A y axis of a trend chart; the chart shows the axes its marks are drawn against. */
export interface TrendAxis {
  id: string;
  side: 'left' | 'right';
  domain?: [number, number];
  unit?: string;
  /** Counts: no ticks between whole numbers. */
  wholeNumbers?: boolean;
  /** Horizontal grid lines at this axis's ticks (at most one axis of a chart). */
  grid?: boolean;
}

interface TrendSeries<P> {
  kind: 'bar' | 'line';
  /** The figure of one period; null where the period has none. */
  value: (point: P) => number | null;
  /** Shown in the legend and the tooltip. */
  name: string;
  color: string;
  axis: TrendAxis;
  /** Bars with the same stack are drawn on top of each other. */
  stack?: string;
}

interface TrendReference {
  kind: 'reference';
  y: number;
  color: string;
  axis: TrendAxis;
  label?: string;
  dashed?: boolean;
}

/** What a trend chart draws, in the order given: bars and lines of a figure, reference lines. */
export type TrendMark<P> = TrendSeries<P> | TrendReference;

function seriesBuilder(kind: TrendSeries<unknown>['kind']) {
  return <P,>(
    value: TrendSeries<P>['value'],
    name: string,
    color: string,
    axis: TrendAxis,
    stack?: string,
  ): TrendMark<P> => ({ kind, value, name, color, axis, stack });
}

/** Bars of one figure per period; bars of the same `stack` are drawn on top of each other. */
export const bar = seriesBuilder('bar');

/** A line through one figure per period; periods without the figure are bridged. */
export const line = seriesBuilder('line');

/** A horizontal line at a fixed value, such as a target or zero. */
export function referenceLine(
  y: number,
  color: string,
  axis: TrendAxis,
  options: { label?: string; dashed?: boolean } = {},
): TrendReference {
  return { kind: 'reference', y, color, axis, ...options };
}

function renderMark<P>(mark: TrendMark<P>) {
  if (mark.kind === 'reference') {
    return (
      <ReferenceLine
        key={`reference-${mark.y}`}
        yAxisId={mark.axis.id}
        y={mark.y}
        stroke={mark.color}
        strokeDasharray={mark.dashed ? '4 4' : undefined}
        label={mark.label}
      />
    );
  }
  const series = {
    yAxisId: mark.axis.id,
    dataKey: mark.value,
    name: mark.name,
  };
  return mark.kind === 'bar' ? (
    <Bar key={mark.name} {...series} stackId={mark.stack} fill={mark.color} />
  ) : (
    <Line key={mark.name} {...series} stroke={mark.color} connectNulls />
  );
}

/** The axes the marks are drawn against, each once, left before right. */
export function axesOf<P>(marks: TrendMark<P>[]): TrendAxis[] {
  const axes = [...new Set(marks.map(mark => mark.axis))];
  return [
    ...axes.filter(axis => axis.side === 'left'),
    ...axes.filter(axis => axis.side === 'right'),
  ];
}

/** One card with a trend over time: figures per period as bars and lines against their axes. */
export function TrendChart<P extends object>(props: {
  title: string;
  points: P[];
  /** The period of a point, along the x axis. */
  period: (point: P) => string;
  marks: TrendMark<P>[];
}) {
  const { title, points, period, marks } = props;
  const axes = axesOf(marks);
  // Without a grid axis the grid follows recharts' default axis id, which none of ours has:
  // only the plot's frame is drawn.
  const gridAxis = axes.find(axis => axis.grid);
  // recharts draws its text in fixed greys; the theme's text colours keep it readable in dark mode.
  const theme = useTheme();
  const tick = { fill: theme.palette.text.secondary };
  return (
    <Grid item xs={12} md={6}>
      <InfoCard title={title}>
        <ResponsiveContainer width="100%" height={260}>
          <ComposedChart data={points}>
            <CartesianGrid strokeDasharray="3 3" yAxisId={gridAxis?.id} />
            <XAxis dataKey={period} tick={tick} />
            {axes.map(axis => (
              <YAxis
                key={axis.id}
                yAxisId={axis.id}
                orientation={axis.side}
                domain={axis.domain}
                unit={axis.unit}
                allowDecimals={!axis.wholeNumbers}
                tick={tick}
              />
            ))}
            <Tooltip
              contentStyle={{
                backgroundColor: theme.palette.background.paper,
                color: theme.palette.text.primary,
              }}
            />
            <Legend />
            {marks.map(renderMark)}
          </ComposedChart>
        </ResponsiveContainer>
      </InfoCard>
    </Grid>
  );
}
