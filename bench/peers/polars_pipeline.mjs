#!/usr/bin/env node
// bench/peers/polars_pipeline.mjs — kinetl's pipeline (SPEC §1–§4) written
// the way a data engineer would write it with Polars (nodejs-polars): lazy
// frames per stage, expressions with `over` for per-channel windows,
// rolling medians for the spike test, `join_asof` (backward and forward) to
// place every channel on the union timeline, group_by for the statistics,
// and one ZSTD Parquet file per run partition (nodejs-polars has no
// partitioned writer, so the frame is split with partition_by).
// It is the benchmark peer kinetl is compared against; where it departs
// from SPEC §3 is written down in bench/peers/README.md.
//
//   node bench/peers/polars_pipeline.mjs --source DIR --out DIR [--threads N]
//
// Writes OUT/{raw,aligned,features}/run_uuid=<id>/part-0.parquet and
// OUT/{quarantine,run_stats}/part-0.parquet, then prints one JSON summary line.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import {
  oracleRequire, parsePeerArgs, listSourceFiles, prepareOut, treeBytes, printSummary,
  CHANNELS, FIELDS, STREAMS, MAX_GAP_US, HAMPEL_K, HAMPEL_T, HAMPEL_MIN_DEV,
  POSITION_LIMIT_MM, FORCE_LIMIT_N, VELOCITY_COLUMNS, ACCEL_COLUMNS, ENCODER_FIELDS,
} from './common.mjs';

const args = parsePeerArgs();
// Polars sizes its thread pool from the environment on first use.
process.env.POLARS_MAX_THREADS = String(args.threads);
const pl = oracleRequire('nodejs-polars');
const { col, lit, when } = pl;

const GAP = MAX_GAP_US;
const RUN = 'run_uuid';
const BY_CHANNEL = [RUN, 'ch'];
const BY_SEGMENT = [RUN, 'ch', 'seg'];

// --- reading and cleaning -----------------------------------------------

// One lazy scan per file, so row numbers are per file and the file's name
// (relative to --source) rides along as lineage.
function scanSources(files) {
  return pl.concat(files.map((f) => pl.scanParquet(f.path, { rowIndexName: 'row_number' })
    .withColumns(lit(f.rel).alias('source_file'))), { how: 'diagonalRelaxed' });
}

// Canonical run ids (SPEC §1). JavaScript's Number→String is the shortest
// round-trip form, printed as a full decimal for integers below 1e21, which
// is exactly the SPEC rule (7.58229308099147e18 → "7582293080991470000").
// There are few distinct ids, so they are mapped once in JS and joined back.
function runIdLookup(source) {
  const ids = source.select(RUN).unique().collectSync().getColumn(RUN).toArray();
  const valid = ids.filter((v) => v !== null && Number.isFinite(v) && Number.isInteger(v) && v >= 0 && v < 2 ** 64);
  return pl.DataFrame({ [RUN]: pl.Series(RUN, valid, pl.Float64), run_id: valid.map((v) => String(v)) }).lazy();
}

function classify(source, lookup) {
  const timeText = col('time').str.strip();
  const f = col('field').str.strip().str.toLowerCase();
  const s = col('sensor_type').str.strip().str.toLowerCase();
  const isEncoder = col('f').isIn(ENCODER_FIELDS);
  const reason = when(col('time').isNull().or(col('time_trim').eq(lit('')))).then(lit('null_time'))
    .when(col('ts').isNull()).then(lit('bad_time'))
    .when(col('run_id').isNull()).then(lit('null_run_uuid'))
    .when(col('robot_id').isNull().or(col('robot_id').isIn([1, 2]).not())).then(lit('bad_robot_id'))
    .when(col('f').isNull().or(col('f').isIn(FIELDS).not())).then(lit('unknown_field'))
    .when(col('s').isNull().or(col('s').neq(when(isEncoder).then(lit('encoder')).otherwise(lit('load_cell')))))
    .then(lit('sensor_field_mismatch'))
    .when(col('value').isNull()).then(lit('null_value'))
    .when(col('value').isFinite().not()).then(lit('non_finite_value'))
    .when(col('value').abs().gt(when(isEncoder).then(lit(POSITION_LIMIT_MM)).otherwise(lit(FORCE_LIMIT_N))))
    .then(lit('out_of_range'))
    .otherwise(lit(null));
  return source
    .join(lookup, { on: RUN, how: 'left' })
    .withColumns(
      timeText.alias('time_trim'),
      timeText.str.strptime(pl.Datetime('ms'), '%Y-%m-%dT%H:%M:%S%.fZ').alias('ts'),
      f.alias('f'), s.alias('s'))
    .withColumns(reason.alias('reason'));
}

function quarantineFrame(classified) {
  const text = (e) => e.cast(pl.Utf8);
  const quoted = (name) => pl.concatString([lit('"'), col(name), lit('"')], '');
  const detail = when(col('reason').eq(lit('null_time'))).then(lit('time is null or empty'))
    .when(col('reason').eq(lit('bad_time'))).then(pl.concatString([lit('time '), quoted('time'), lit(' is not an ISO-8601 timestamp')], ''))
    .when(col('reason').eq(lit('null_run_uuid'))).then(pl.concatString([lit('run_uuid '), text(col(RUN)), lit(' is not a 64-bit id')], '', false).fillNull(lit('run_uuid is null')))
    .when(col('reason').eq(lit('bad_robot_id'))).then(pl.concatString([lit('robot_id '), text(col('robot_id')).fillNull(lit('null')), lit(' is not 1 or 2')], ''))
    .when(col('reason').eq(lit('unknown_field'))).then(pl.concatString([lit('field '), quoted('field').fillNull(lit('null')), lit(' is not one of x y z fx fy fz')], ''))
    .when(col('reason').eq(lit('sensor_field_mismatch'))).then(pl.concatString([lit('field '), col('f'), lit(' but sensor_type '), quoted('sensor_type').fillNull(lit('null'))], ''))
    .when(col('reason').eq(lit('null_value'))).then(lit('value is null'))
    .when(col('reason').eq(lit('non_finite_value'))).then(pl.concatString([lit('value is '), text(col('value'))], ''))
    .otherwise(pl.concatString([col('f'), lit(' = '), text(col('value')), lit(' outside physical limits')], ''));
  return classified.filter(col('reason').isNotNull()).select(
    col('source_file'), col('row_number').cast(pl.Int64), col('reason'), detail.alias('detail'),
    col('time').alias('time_text'), text(col('value')).alias('value_text'), col('field').alias('field_text'),
    text(col('robot_id')).alias('robot_id_text'), text(col(RUN)).alias('run_uuid_text'),
    col('sensor_type').alias('sensor_type_text'),
    lit(Date.now() * 1000).cast(pl.Datetime('us')).dt.replaceTimeZone('UTC').alias('ingested_at'), col('run_id'));
}

// raw: accepted readings, typed; exact duplicates within a file count once.
function rawFrame(classified) {
  return classified.filter(col('reason').isNull()).select(
    col('run_id').alias(RUN), col('ts').dt.replaceTimeZone('UTC').alias('time'), col('robot_id').cast(pl.Int32),
    col('s').alias('sensor_type'), col('f').alias('field'), col('value').cast(pl.Float64), col('source_file'),
  ).unique();
}

// --- per-run transform ------------------------------------------------------

// cells: one row per (run, channel, time); copies with one value are a
// sample, distinct values a conflict (no sample).
function cellsFrame(raw) {
  const ch = col('field').replaceStrict(FIELDS, FIELDS.map((_, i) => i), null, pl.Int32).mul(2).add(col('robot_id')).sub(1);
  return raw.lazy()
    .select(col(RUN), ch.cast(pl.Int32).alias('ch'), col('time').cast(pl.Int64).alias('t'), col('value'))
    .groupBy([RUN, 'ch', 't'])
    .agg(pl.len().alias('copies'), col('value').nUnique().alias('nvals'), col('value').min().alias('value'));
}

// Segment ids per (run, channel): a new segment starts after a gap > max_gap.
const segmented = (lf) => lf.sort([RUN, 'ch', 't']).withColumns(
  col('t').diff(1, 'ignore').over(BY_CHANNEL).gt(GAP).fillNull(false).cast(pl.Int32).cumSum().over(BY_CHANNEL).alias('seg'));

// Hampel test on each encoder channel, per segment, written the common way:
// centred rolling median m and rolling median of |x - m| as the MAD.
function hampelFrame(cells) {
  const roll = { windowSize: 2 * HAMPEL_K + 1, center: true, minPeriods: 1 };
  return segmented(cells.lazy().filter(col('nvals').eq(1).and(col('ch').gtEq(6))).select(RUN, 'ch', 't', 'value'))
    .withColumns(pl.len().over(BY_SEGMENT).alias('len'), col('value').rollingMedian(roll).over(BY_SEGMENT).alias('m'))
    .withColumns(col('value').sub(col('m')).abs().rollingMedian(roll).over(BY_SEGMENT).alias('mad'))
    .withColumns(col('len').gtEq(3).and(col('value').sub(col('m')).abs()
      .gt(pl.maxHorizontal([col('mad').mul(HAMPEL_T * 1.4826), lit(HAMPEL_MIN_DEV)]))).alias('spike'))
    .select(RUN, 'ch', 't', 'value', 'spike');
}

// Three-point derivatives for uneven spacing (h1, h2 in seconds).
const secs = (a, b) => a.sub(b).cast(pl.Float64).div(1e6);
const d3First = (h1, h2, y0, y1, y2) => h1.add(h2).div(h1.mul(h2)).mul(y1)
  .sub(h1.mul(2).add(h2).div(h1.mul(h1.add(h2))).mul(y0)).sub(h1.div(h2.mul(h1.add(h2))).mul(y2));
const d3Mid = (h1, h2, y0, y1, y2) => h2.sub(h1).div(h1.mul(h2)).mul(y1)
  .sub(h2.div(h1.mul(h1.add(h2))).mul(y0)).add(h1.div(h2.mul(h1.add(h2))).mul(y2));
const d3Last = (h1, h2, y0, y1, y2) => h2.div(h1.mul(h1.add(h2))).mul(y0)
  .sub(h1.add(h2).div(h1.mul(h2)).mul(y1)).add(h1.add(h2.mul(2)).div(h2.mul(h1.add(h2))).mul(y2));

// Neighbours within the segment (lag/lead 1 and 2) of time and column y, as
// columns tp tn tpp tnn and yp yn ypp ynn, all in one context (one grouping).
const neighbours = (y) => [1, -1, 2, -2].flatMap((k) => {
  const suffix = { 1: 'p', '-1': 'n', 2: 'pp', '-2': 'nn' }[k];
  return [col('t').shift(k).over(BY_SEGMENT).alias(`t${suffix}`), col(y).shift(k).over(BY_SEGMENT).alias(`y${suffix}`)];
});

// The derivative at each sample from its neighbour columns; a 2-sample
// segment gets the first-order difference, a lone sample nothing.
function derivative(y) {
  const t = col('t'); const v = col(y); const len = col('len');
  const [tp, yp, tn, yn, tpp, ypp, tnn, ynn] = ['tp', 'yp', 'tn', 'yn', 'tpp', 'ypp', 'tnn', 'ynn'].map((n) => col(n));
  return when(len.lt(2)).then(lit(null).cast(pl.Float64))
    .when(len.eq(2).and(tn.isNotNull())).then(yn.sub(v).div(secs(tn, t)))
    .when(len.eq(2)).then(v.sub(yp).div(secs(t, tp)))
    .when(tp.isNull()).then(d3First(secs(tn, t), secs(tnn, tn), v, yn, ynn))
    .when(tn.isNull()).then(d3Last(secs(tp, tpp), secs(t, tp), ypp, yp, v))
    .otherwise(d3Mid(secs(t, tp), secs(tn, t), yp, v, yn));
}

// series: every valid sample (after conflicts and spikes); encoder channels
// carry velocity and acceleration computed on their own segments.
function seriesFrame(cells, hampel) {
  const encoders = segmented(hampel.lazy().filter(col('spike').not()).select(RUN, 'ch', 't', 'value'))
    .withColumns(pl.len().over(BY_SEGMENT).alias('len'), ...neighbours('value'))
    .withColumns(derivative('value').alias('vel'))
    .withColumns(...neighbours('vel'))
    .withColumns(derivative('vel').alias('acc'))
    .select(RUN, 'ch', 't', 'value', 'vel', 'acc');
  const forces = cells.lazy().filter(col('nvals').eq(1).and(col('ch').lt(6))).select(
    col(RUN), col('ch'), col('t'), col('value'), lit(null).cast(pl.Float64).alias('vel'), lit(null).cast(pl.Float64).alias('acc'));
  return pl.concat([encoders, forces]);
}

// The cell rule at row time t from the previous (p*) and next (n*) sample.
const tau = col('t');
function cellState(c) {
  const pt = col(`pt${c}`); const nt = col(`nt${c}`);
  return when(pt.eq(tau)).then(lit(1))
    .when(nt.sub(pt).ltEq(GAP)).then(lit(2))
    .when(pt.isNull().and(nt.sub(tau).ltEq(GAP))).then(lit(3))
    .when(nt.isNull().and(tau.sub(pt).ltEq(GAP))).then(lit(3))
    .otherwise(lit(0));
}
function cellValue(c, what) {
  const pt = col(`pt${c}`); const nt = col(`nt${c}`); const pv = col(`p${what}${c}`); const nv = col(`n${what}${c}`);
  return when(pt.eq(tau)).then(pv)
    .when(nt.sub(pt).ltEq(GAP)).then(pv.add(nv.sub(pv).mul(tau.sub(pt).cast(pl.Float64)).div(nt.sub(pt).cast(pl.Float64))))
    .when(pt.isNull().and(nt.sub(tau).ltEq(GAP))).then(nv)
    .when(nt.isNull().and(tau.sub(pt).ltEq(GAP))).then(pv)
    .otherwise(lit(null).cast(pl.Float64));
}
const norm = (a, b, c) => col(a).pow(2).add(col(b).pow(2)).add(col(c).pow(2)).pow(0.5);
const anyMeasured = (chs) => pl.anyHorizontal(chs.map((c) => col(`s${c}`).eq(1)));

// features: the union timeline (every distinct valid sample time of the
// run); each channel placed by join_asof backward and forward into a narrow
// frame (velocity and acceleration carried along from the same neighbouring
// samples); join_asof keeps the left frame's row order, so the 12 narrow
// frames line up with the timeline and are concatenated horizontally.
// (Chaining the 24 joins on one ever wider frame was 25 % slower and used
// 40 % more memory.)
function featuresFrame(series) {
  const timeline = series.lazy().select(RUN, 't').unique().sort([RUN, 't']).collectSync();
  const placed = CHANNELS.map((name, c) => {
    const withDerivs = c >= 6;
    const side = (p) => series.lazy().filter(col('ch').eq(c)).select(
      col(RUN), col('t').alias(`${p}t${c}`), col('value').alias(`${p}value${c}`),
      ...(withDerivs ? [col('vel').alias(`${p}vel${c}`), col('acc').alias(`${p}acc${c}`)] : [])).sort([RUN, `${p}t${c}`]);
    return timeline.lazy()
      .joinAsof(side('p'), { leftOn: 't', rightOn: `pt${c}`, by: RUN, strategy: 'backward', checkSortedness: false })
      .joinAsof(side('n'), { leftOn: 't', rightOn: `nt${c}`, by: RUN, strategy: 'forward', checkSortedness: false })
      .select(cellState(c).cast(pl.Int8).alias(`s${c}`), cellValue(c, 'value').alias(name),
        ...(withDerivs ? [cellValue(c, 'vel').alias(`v${name}`), cellValue(c, 'acc').alias(`a${name}`)] : []));
  });
  const mask = (state) => pl.sumHorizontal(CHANNELS.map((_, c) => when(col(`s${c}`).eq(state)).then(lit(1 << c)).otherwise(lit(0)))).cast(pl.Int32);
  const enc = (r) => [6, 8, 10].map((c) => c + r - 1);
  const lc = (r) => [0, 2, 4].map((c) => c + r - 1);
  return pl.concat([timeline.lazy(), ...placed], { how: 'horizontal' })
    .withColumns(
      mask(1).alias('measured_mask'), mask(2).alias('interpolated_mask'), mask(3).alias('held_mask'),
      norm('vx_1', 'vy_1', 'vz_1').alias('v1'), norm('vx_2', 'vy_2', 'vz_2').alias('v2'),
      norm('ax_1', 'ay_1', 'az_1').alias('a1'), norm('ax_2', 'ay_2', 'az_2').alias('a2'),
      norm('fx_1', 'fy_1', 'fz_1').alias('f1'), norm('fx_2', 'fy_2', 'fz_2').alias('f2'),
      anyMeasured(lc(1)).alias('at_lc1'), anyMeasured(lc(2)).alias('at_lc2'),
      anyMeasured(enc(1)).alias('at_enc1'), anyMeasured(enc(2)).alias('at_enc2'))
    .select(RUN, 't', ...CHANNELS, 'measured_mask', 'interpolated_mask', 'held_mask',
      ...VELOCITY_COLUMNS, ...ACCEL_COLUMNS, 'v1', 'v2', 'a1', 'a2', 'f1', 'f2', 'at_lc1', 'at_lc2', 'at_enc1', 'at_enc2');
}

// --- run statistics ----------------------------------------------------------

function runStatsFrame({ raw, cells, hampel, series, features, quarantine, configHash }) {
  const span = series.lazy().groupBy(RUN).agg(col('t').min().alias('t0'), col('t').max().alias('t1'));
  const readings = raw.lazy().groupBy(RUN).agg(pl.len().cast(pl.Int64).alias('readings'));
  const dups = cells.lazy().groupBy(RUN).agg(
    col('copies').sub(col('nvals')).sum().cast(pl.Int64).alias('duplicate_readings'),
    when(col('nvals').gt(1)).then(col('nvals')).otherwise(lit(0)).sum().cast(pl.Int64).alias('conflicting_readings'));
  const spikes = hampel.lazy().groupBy(RUN).agg(col('spike').sum().cast(pl.Int64).alias('spikes_removed'));
  const quar = quarantine.lazy().filter(col('run_id').isNotNull()).groupBy('run_id')
    .agg(pl.len().cast(pl.Int64).alias('quarantined_rows')).rename({ run_id: RUN });
  const longest = () => pl.maxHorizontal([col('maxd').fillNull(0), col('first').sub(col('t0')), col('t1').sub(col('last'))]);

  // per channel: samples and the longest interval (leading/trailing silence
  // included); intervals from a sort inside each group, not a global sort
  const perChannel = series.lazy()
    .groupBy(BY_CHANNEL).agg(pl.len().alias('n'), col('t').sort().diff(1, 'ignore').max().alias('maxd'), col('t').min().alias('first'), col('t').max().alias('last'))
    .join(span, { on: RUN }).withColumns(longest().alias('longest'))
    .groupBy(RUN).agg(
      ...CHANNELS.map((n, c) => col('n').filter(col('ch').eq(c)).sum().cast(pl.Int64).alias(`rows_${n}`)),
      ...CHANNELS.map((n, c) => col('longest').filter(col('ch').eq(c)).max().alias(`longest_${n}`)));
  const words = (pred) => pl.concatString(CHANNELS.map((n) => when(pred(n)).then(lit(`${n} `)).otherwise(lit(''))), '').str.stripCharsEnd(' ');
  const channels = perChannel.withColumns(
    words((n) => col(`rows_${n}`).eq(0)).alias('missing'),
    words((n) => col(`longest_${n}`).gt(GAP)).alias('gappy'),
    pl.sumHorizontal(CHANNELS.map((n, c) => when(col(`rows_${n}`).gt(0)).then(lit(1 << c)).otherwise(lit(0)))).cast(pl.Int32).alias('present'));

  // per stream: sample times are the distinct times of its three channels
  // (unique, sorted and differenced inside each group, then exploded)
  const streamOf = CHANNELS.map((_, c) => STREAMS.find((st) => st.channels.includes(c)).name);
  const streamStats = series.lazy()
    .select(col(RUN), col('ch').replaceStrict(CHANNELS.map((_, c) => c), streamOf, null, pl.Utf8).alias('stream'), col('t'))
    .groupBy([RUN, 'stream']).agg(col('t').unique().sort().diff(1, 'ignore').alias('d'), col('t').min().alias('first'), col('t').max().alias('last'))
    .explode('d')
    .groupBy([RUN, 'stream']).agg(
      col('d').median().div(1e6).alias('median_period'), col('d').gt(GAP).sum().alias('between_gaps'),
      col('d').max().alias('maxd'), col('first').first(), col('last').first(),
      col('d').filter(col('d').ltEq(GAP)).sum().alias('covered'))
    .join(span, { on: RUN })
    .withColumns(
      col('between_gaps').add(col('first').sub(col('t0')).gt(GAP).cast(pl.Int64)).add(col('t1').sub(col('last')).gt(GAP).cast(pl.Int64)).cast(pl.Int64).alias('gaps'),
      longest().cast(pl.Float64).div(1e6).alias('longest'))
    .groupBy(RUN).agg(
      ...STREAMS.map((s) => col('median_period').filter(col('stream').eq(lit(s.name))).first().alias(`median_period_${s.name}_s`)),
      ...STREAMS.map((s) => col('gaps').filter(col('stream').eq(lit(s.name))).first().alias(`gaps_${s.name}`)),
      ...STREAMS.map((s) => col('longest').filter(col('stream').eq(lit(s.name))).first().alias(`longest_gap_${s.name}_s`)),
      ...[1, 2].map((r) => col('covered').filter(col('stream').eq(lit(`encoder_${r}`))).first().alias(`covered_${r}`)));

  // distances along aligned rows; forces and speeds at the streams' sample times
  const step = (r) => {
    const prev = (e) => e.shift(1).over(RUN);
    const sq = (a) => col(a).sub(prev(col(a))).pow(2);
    return when(col('t').sub(prev(col('t'))).ltEq(GAP)).then(sq(`x_${r}`).add(sq(`y_${r}`)).add(sq(`z_${r}`)).pow(0.5)).otherwise(lit(null).cast(pl.Float64));
  };
  const nullIfNone = (e) => when(e.count().gt(0)).then(e.sum()).otherwise(lit(null).cast(pl.Float64));
  const agg = features.lazy().sort([RUN, 't'])
    .withColumns(step(1).alias('step1'), step(2).alias('step2'))
    .groupBy(RUN).agg(
      pl.len().cast(pl.Int64).alias('aligned_rows'),
      nullIfNone(col('step1')).alias('distance_1_mm'), nullIfNone(col('step2')).alias('distance_2_mm'),
      col('f1').filter(col('at_lc1')).max().alias('max_force_1_n'), col('f1').filter(col('at_lc1')).mean().alias('mean_force_1_n'),
      col('f2').filter(col('at_lc2')).max().alias('max_force_2_n'), col('f2').filter(col('at_lc2')).mean().alias('mean_force_2_n'),
      col('v1').filter(col('at_enc1')).max().alias('max_speed_1_mm_s'), col('v2').filter(col('at_enc2')).max().alias('max_speed_2_mm_s'));

  const t0 = col('t0'); const t1 = col('t1');
  const coverage = (r) => when(t1.eq(t0)).then(col(`covered_${r}`).isNotNull().cast(pl.Float64))
    .otherwise(col(`covered_${r}`).fillNull(0).cast(pl.Float64).div(t1.sub(t0).cast(pl.Float64)));
  const reason = when(t0.isNull()).then(lit('no valid readings')).otherwise(pl.concatString([
    when(col('missing').neq(lit(''))).then(pl.concatString([lit('missing '), col('missing')], '')).otherwise(lit(null)),
    when(col('gappy').neq(lit(''))).then(pl.concatString([lit('gaps in '), col('gappy')], '')).otherwise(lit(null))], '; ').fillNull(lit('')));
  const asTime = (e) => e.cast(pl.Datetime('us')).dt.replaceTimeZone('UTC');
  return readings
    .join(span, { on: RUN, how: 'left' }).join(channels, { on: RUN, how: 'left' }).join(streamStats, { on: RUN, how: 'left' })
    .join(agg, { on: RUN, how: 'left' }).join(dups, { on: RUN, how: 'left' }).join(spikes, { on: RUN, how: 'left' })
    .join(quar, { on: RUN, how: 'left' })
    .sort(RUN)
    .select(
      col(RUN), asTime(t0).alias('start_time'), asTime(t1).alias('stop_time'),
      t1.sub(t0).alias('runtime_us'), col('distance_1_mm'), col('distance_2_mm'),
      when(t0.isNotNull().and(col('missing').eq(lit(''))).and(col('gappy').eq(lit('')))).then(lit('complete')).otherwise(lit('partial')).alias('status'),
      reason.alias('status_reason'),
      col('missing').fillNull(lit(CHANNELS.join(' '))).alias('channels_missing'),
      col('present').fillNull(0).cast(pl.Int32).alias('channels_present_mask'),
      col('readings'), col('aligned_rows').fillNull(0).cast(pl.Int64),
      ...CHANNELS.map((n) => col(`rows_${n}`).fillNull(0).cast(pl.Int64)),
      ...STREAMS.map((s) => col(`median_period_${s.name}_s`)),
      ...STREAMS.map((s) => col(`gaps_${s.name}`)),
      ...STREAMS.map((s) => col(`longest_gap_${s.name}_s`)),
      coverage(1).alias('coverage_1'), coverage(2).alias('coverage_2'),
      ...['spikes_removed', 'duplicate_readings', 'conflicting_readings'].map((n) => col(n).fillNull(0).cast(pl.Int64)),
      col('quarantined_rows').fillNull(0).cast(pl.Int64),
      'max_force_1_n', 'mean_force_1_n', 'max_force_2_n', 'mean_force_2_n', 'max_speed_1_mm_s', 'max_speed_2_mm_s',
      lit(null).cast(pl.Utf8).alias('input_fingerprint'), lit(configHash).alias('config_hash'),
      asTime(lit(Date.now() * 1000)).alias('processed_at'));
}

// Polars evaluates x / 1e6 as x * 1e-6, which is not correctly rounded
// (20399000 µs → 20.398999999999997 s), and runtime_s must be exact: the
// one division per run is done in JS on the collected per-run table.
function withExactRuntime(stats) {
  const us = stats.getColumn('runtime_us').toArray();
  const secs = pl.Series('runtime_s', us.map((v) => (v === null ? null : Number(v) / 1e6)), pl.Float64);
  return stats.withColumn(secs).select(...stats.columns.map((c) => (c === 'runtime_us' ? 'runtime_s' : c)));
}

// --- writing -------------------------------------------------------------------

// One ZSTD file per run under <table>/run_uuid=<id>/, the key column left out
// of the file as hive partitioning does.
function writePartitioned(df, dir) {
  for (const part of df.partitionBy(RUN, true, true)) {
    const id = part.getColumn(RUN).get(0);
    const d = path.join(dir, `${RUN}=${id}`);
    fs.mkdirSync(d, { recursive: true });
    part.drop(RUN).writeParquet(path.join(d, 'part-0.parquet'), { compression: 'zstd' });
  }
}

function writeSingle(df, dir) {
  fs.mkdirSync(dir, { recursive: true });
  df.writeParquet(path.join(dir, 'part-0.parquet'), { compression: 'zstd' });
}

// --- main ------------------------------------------------------------------------

function main() {
  const started = process.hrtime.bigint();
  const timings = {};
  const step = (name, fn) => {
    const t0 = process.hrtime.bigint();
    const r = fn();
    timings[name] = Number(process.hrtime.bigint() - t0) / 1e9;
    if (process.env.PEER_PROGRESS) console.error(`polars peer: ${name} ${timings[name].toFixed(2)} s, rss ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB`);
    return r;
  };
  const files = listSourceFiles(args.source);
  if (files.length === 0) {
    console.error(`polars peer: no *.parquet files below ${args.source}`);
    process.exit(1);
  }
  prepareOut(args.out);
  const configText = `polars-peer max_gap_us=${GAP} hampel_half_window=${HAMPEL_K} hampel_threshold=${HAMPEL_T} hampel_min_deviation=${HAMPEL_MIN_DEV}`;
  const configHash = createHash('md5').update(configText).digest('hex').slice(0, 16);

  const source = scanSources(files);
  const classified = classify(source, step('run_ids', () => runIdLookup(source)));
  const quarantine = step('quarantine', () => quarantineFrame(classified).collectSync());
  const raw = step('raw', () => rawFrame(classified).collectSync());
  const cells = step('cells', () => cellsFrame(raw).collectSync());
  const hampel = step('hampel', () => hampelFrame(cells).collectSync());
  const series = step('series', () => seriesFrame(cells, hampel).collectSync());
  const features = step('features', () => featuresFrame(series).collectSync());
  const runStats = step('run_stats', () => runStatsFrame({ raw, cells, hampel, series, features, quarantine, configHash }).collectSync());
  const runStatsExact = withExactRuntime(runStats);

  const time = col('t').cast(pl.Datetime('us')).dt.replaceTimeZone('UTC').alias('time');
  const alignedCols = [col(RUN), time, ...CHANNELS.map((n) => col(n)), col('measured_mask'), col('interpolated_mask'), col('held_mask')];
  const featureCols = [...alignedCols, ...[...VELOCITY_COLUMNS, ...ACCEL_COLUMNS, 'v1', 'v2', 'a1', 'a2', 'f1', 'f2'].map((n) => col(n))];
  step('write_raw', () => writePartitioned(raw, path.join(args.out, 'raw')));
  step('write_quarantine', () => writeSingle(quarantine.drop('run_id').sort(['source_file', 'row_number']), path.join(args.out, 'quarantine')));
  const ordered = features.sort([RUN, 't']);
  step('write_aligned', () => writePartitioned(ordered.select(...alignedCols), path.join(args.out, 'aligned')));
  step('write_features', () => writePartitioned(ordered.select(...featureCols), path.join(args.out, 'features')));
  step('write_run_stats', () => writeSingle(runStatsExact, path.join(args.out, 'run_stats')));

  const readings = source.select(pl.len().alias('n')).collectSync().getColumn('n').get(0);
  printSummary({
    peer: 'polars', version: pl.version, threads: args.threads, files: files.length,
    readings: Number(readings), accepted: raw.height, quarantined: quarantine.height,
    runs: runStats.height, aligned_rows: features.height,
    wall_s: Number(process.hrtime.bigint() - started) / 1e9, steps_s: timings,
    output_bytes: treeBytes(args.out),
  });
}

try {
  main();
} catch (e) {
  console.error(`polars peer: ${String(e.message).split('\n')[0]}`);
  process.exit(1);
}
