#!/usr/bin/env python3
"""fluent-ct benchmark harness (issue 5). Standard library only.

Starts fluent-ct-sim with injected per-request latency, runs the connector
(`fluent-ct run batch-inventory-sync --json`) under /usr/bin/time -v, and the
naive per-SKU baseline (fluent-ct-baseline) in the same run, and reports per
case: wall time, positions/s, upserts/s, HTTP requests by kind (connector
summary and simulator /_sim/stats), requests per changed SKU, peak RSS, and
user+sys CPU per position, plus the latency-bound limit for the case.

Cases, for each size N (--sizes, default 10000,100000; --with-1m adds 1000000):
  full-100%   full sync into an empty commercetools channel (every entry created)
  noop-delta  a delta run right after full-100% (nothing changed since)
  full-0%     full sync (previousEndDate removed) where every entry is already equal
  full-1%     1% of positions touched, then a full sync (previousEndDate removed)
  delta-1%    1% touched after a run, then a delta run
  baseline-*  the per-SKU syncer on a sample of --baseline-sample positions,
              sequential and with the connector's concurrency; extrapolated to N

Medians over --reps repetitions (default 3; 1 for 1M).

  python3 bench/run_bench.py --build-dir build-bench [--latency-ms 20] [--sizes 10000,100000]
                             [--with-1m] [--reps 3] [--json out.json]
  python3 bench/run_bench.py --smoke ...   # the CI check (5k positions, 2 ms): exit 1 on a missed target
"""

import argparse
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

SETTING_NAME = "fc.connect.commercetools.batch.batch-inventory-sync"

# Built-in route props (config/connector.yml); the limit formula uses them
# unless --config overrides (the harness reads the overrides it writes).
DEFAULT_PROPS = {"page-size": 1000, "lookup-batch-size": 250, "write-batch-size": 50, "concurrency": 8}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- simulator

class Sim:
    def __init__(self, binary, positions, latency_ms, seed=1, extra=()):
        self.proc = subprocess.Popen(
            [binary, "--host", "127.0.0.1", "--port", "0", "--positions", str(positions), "--seed", str(seed),
             "--latency-ms", str(latency_ms), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        line = self.proc.stdout.readline().decode()
        m = re.search(r"listening on (http://[\d.]+:(\d+))", line)
        if not m:
            self.stop()
            raise RuntimeError("simulator did not start: %r" % line)
        self.url = m.group(1)
        self.positions = positions
        self.seed = seed
        self.touch_seed = 1000
        # The generated job setting, so it can be put back without previousEndDate.
        self.setting = {"name": SETTING_NAME, "context": "RETAILER", "contextId": 1, "valueType": "JSON",
                        "lobValue": {"props": {"ctChannelKey": "ct-fluent-channel",
                                               "fluentAggregateVirtualCatalogueRef": "ATS:1"}}}

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def _req(self, method, path, body=None, timeout=600):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
        return json.loads(raw) if raw else None

    def stats(self):
        return self._req("GET", "/_sim/stats")

    def cpu_s(self):
        """The simulator's user+sys CPU so far (it shares the machine's cores with the connector)."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def reset_stats(self):
        self._req("POST", "/_sim/stats/reset", {})

    def load(self, data):
        return self._req("POST", "/_sim/load", data)

    def reset_setting(self):
        """Put the job setting back without previousEndDate: the next run is a full sync."""
        self.load({"fluent": {"settings": [self.setting]}})

    def clear_entries(self):
        self.load({"ct": {"entries": []}})

    def touch(self, count):
        self.touch_seed += 1
        r = self._req("POST", "/_sim/positions/touch", {"count": count, "seed": self.touch_seed})
        return r["changed"]


def sim_http_requests(stats):
    return sum(stats.get(k, 0) for k in ("fluent.token", "fluent.graphql.requests", "ct.token", "ct.graphql.requests"))


def sim_ct_requests(stats):
    return stats.get("ct.token", 0) + stats.get("ct.graphql.requests", 0)


# --------------------------------------------------------------------------- processes

def connector_env(sim, data_dir):
    env = {"PATH": "/usr/bin:/bin",
           "FLUENT_BASE_URL": sim.url + "/fluent", "FLUENT_ACCOUNT": "ACME", "FLUENT_RETAILER_ID": "1",
           "FLUENT_CLIENT_ID": "sim-client", "FLUENT_CLIENT_SECRET": "sim-secret",
           "FLUENT_USERNAME": "sim-user", "FLUENT_PASSWORD": "sim-password",
           "CTP_PROJECT_KEY": "sim-project", "CTP_CLIENT_ID": "sim-ct-client", "CTP_CLIENT_SECRET": "sim-ct-secret",
           "CTP_AUTH_URL": sim.url + "/ct-auth", "CTP_API_URL": sim.url + "/ct",
           "CTP_SCOPES": "manage_project:sim-project", "FLUENT_CT_DATA_DIR": data_dir, "FCT_LOG_LEVEL": "warn"}
    return env


def parse_time_v(path):
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("Maximum resident set size (kbytes):"):
                out["rss_kib"] = int(line.split(":")[1])
    return out


def timed(argv, env, time_bin):
    """Runs argv under /usr/bin/time -v; returns (exit, stdout, stderr, wall_s, usage).

    usage: rss_kib, the peak RSS /usr/bin/time reports (taken there, not from our own wait4,
    because a child spawned by this Python process inherits its high-water mark across exec),
    and user_s/sys_s from wait4(2) at microsecond resolution (time -v prints 10 ms); they
    include /usr/bin/time's own start-up, about 1 ms."""
    with tempfile.NamedTemporaryFile(prefix="fct-bench-time-", delete=False) as tf:
        tpath = tf.name
    cmd = [time_bin, "-v", "-o", tpath, *argv] if time_bin else argv
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        usage = parse_time_v(tpath) if time_bin else {}
        usage.update({"user_s": ru.ru_utime, "sys_s": ru.ru_stime})
        os.unlink(tpath)
        return p.returncode, out.read().decode(), err.read().decode(), wall, usage


class Runner:
    def __init__(self, args):
        self.args = args
        self.time_bin = shutil.which("time", path="/usr/bin:/bin")
        if not self.time_bin:
            log("warning: /usr/bin/time not found (apt-get install time): no peak RSS figures")

    def connector(self, sim, data_dir, config=None):
        argv = [self.args.connector, "run", "batch-inventory-sync", "--json", "--data-dir", data_dir]
        if config:
            argv += ["--config", config]
        sim.reset_stats()
        sim_cpu = sim.cpu_s()
        code, out, err, wall, tv = timed(argv, connector_env(sim, data_dir), self.time_bin)
        sim_cpu = sim.cpu_s() - sim_cpu
        stats = sim.stats()
        try:
            summary = json.loads(out)
        except ValueError:
            raise RuntimeError("connector printed no JSON (exit %d):\n%s\n%s" % (code, out[-2000:], err[-2000:]))
        if code != 0 or summary.get("status") != "SUCCESSFUL":
            raise RuntimeError("connector run failed (exit %d): %s\n%s" % (code, json.dumps(summary)[:2000], err[-2000:]))
        return {"wall_s": wall, "summary": summary, "sim": stats, "sim_cpu_s": sim_cpu, **tv}

    def baseline(self, sim, data_dir, limit, concurrency):
        argv = [self.args.baseline, "--limit", str(limit), "--concurrency", str(concurrency)]
        sim.reset_stats()
        code, out, err, wall, tv = timed(argv, connector_env(sim, data_dir), self.time_bin)
        stats = sim.stats()
        if code != 0:
            raise RuntimeError("baseline failed (exit %d): %s %s" % (code, out[-1000:], err[-1000:]))
        return {"wall_s": wall, "summary": json.loads(out), "sim": stats, **tv}


# --------------------------------------------------------------------------- the limit

def latency_bound(n, changed, props, latency_s, pages_read=None):
    """Best possible wall time (seconds) for a run over n positions, `changed` of them written.

    Fluent pages come one after another (each needs the previous cursor):      ceil(n/P) * L
    commercetools lookups and writes share C connections:  (ceil(n/Bl) + ceil(changed/Bw)) * L / C
    The two streams overlap, so the run takes at least the longer one, plus the
    requests nothing can overlap: Fluent token, setting read, ct token, channel,
    setting update (5 L).
    """
    P, Bl, Bw, C = props["page-size"], props["lookup-batch-size"], props["write-batch-size"], props["concurrency"]
    pages = pages_read if pages_read is not None else max(1, math.ceil(n / P))
    ct = (math.ceil(n / Bl) + math.ceil(changed / Bw)) if n else 0
    fixed = 5 if n else 3  # no positions: token, setting, (one empty page), setting update
    return (max(pages, ct / C) + fixed) * latency_s


# --------------------------------------------------------------------------- cases

def connector_row(case, n, runs, props, latency_s):
    """Median row over repetitions of a connector case."""
    def med(f):
        vals = [f(r) for r in runs]
        vals = [v for v in vals if v is not None]
        return statistics.median(vals) if vals else None

    s0 = runs[-1]["summary"]
    changed = med(lambda r: r["summary"]["created"] + r["summary"]["updated"])
    positions = med(lambda r: r["summary"]["positionsRead"])
    wall = med(lambda r: r["wall_s"])
    http = med(lambda r: sim_http_requests(r["sim"]))
    ct = med(lambda r: sim_ct_requests(r["sim"]))
    cpus = [r["user_s"] + r["sys_s"] for r in runs]  # timed() always measures them
    cpu = statistics.median(cpus)
    rss = med(lambda r: r.get("rss_kib"))
    pages = med(lambda r: r["sim"].get("fluent.graphql.virtualPositions", 0))
    limit = latency_bound(positions, changed, props, latency_s, pages_read=pages)
    row = {
        "case": case, "n": n, "reps": len(runs), "kind": "connector",
        "wall_s": wall, "positions_read": positions, "changed": changed,
        "unchanged": med(lambda r: r["summary"]["unchanged"]),
        "already_synced": med(lambda r: r["summary"].get("positionsAlreadySynced", 0)),
        "positions_per_s": positions / wall if wall else None,
        "upserts_per_s": changed / wall if wall else None,
        "http_requests_sim": http,
        "http_requests_connector": med(lambda r: r["summary"]["httpRequests"]),
        "ct_requests_sim": ct,
        "requests_by_kind": s0.get("requestsByKind"),
        "sim_stats": runs[-1]["sim"],
        "requests_per_changed": (http / changed) if changed else None,
        "ct_requests_per_changed": (ct / changed) if changed else None,
        "rss_mib": rss / 1024 if rss is not None else None,
        "cpu_s": cpu,
        "cpu_us_per_position": (cpu / positions * 1e6) if (cpu is not None and positions) else None,
        "sim_cpu_s": med(lambda r: r.get("sim_cpu_s")),
        "limit_s": limit,
        "vs_limit": wall / limit if limit else None,
        "walls": [r["wall_s"] for r in runs],
        "cpus": cpus,
    }
    return row


def baseline_row(case, n, run, extrapolate_to, changed_fraction):
    s = run["summary"]
    sample = s["positions"]
    changed = s["created"] + s["updated"]
    wall = run["wall_s"]
    http = sim_http_requests(run["sim"])
    per_pos = wall / sample
    return {
        "case": case, "n": n, "reps": 1, "kind": "baseline", "concurrency": s["concurrency"],
        "sample": sample, "sample_wall_s": wall,
        "wall_s": per_pos * extrapolate_to,  # extrapolated linearly to N
        "extrapolated": True,
        "positions_read": sample, "changed": changed, "unchanged": s["unchanged"],
        "positions_per_s": sample / wall, "upserts_per_s": changed / wall,
        "http_requests_sim": http, "ct_requests_sim": sim_ct_requests(run["sim"]),
        "requests_per_changed": http / changed if changed else None,
        "ct_requests_per_changed": sim_ct_requests(run["sim"]) / changed if changed else None,
        "rss_mib": run["rss_kib"] / 1024 if "rss_kib" in run else None,
        "cpu_s": run["user_s"] + run["sys_s"],
        "cpu_us_per_position": (run["user_s"] + run["sys_s"]) / sample * 1e6,
        "sim_stats": run["sim"],
    }


def write_config(dirpath, name, props):
    """A --config file holding only the route props that differ from the built-in ones."""
    path = os.path.join(dirpath, name)
    with open(path, "w") as f:
        f.write("routes:\n  - name: batch-inventory-sync\n    handler: InventoryBatchHandler\n    props:\n")
        for k, v in props.items():
            f.write("      %s: %s\n" % (k, v))
    return path


def bench_size(runner, n, reps, args, rows):
    latency_s = args.latency_ms / 1000.0
    props = dict(DEFAULT_PROPS)
    props.update(args.props)
    work = tempfile.mkdtemp(prefix="fct-bench-%d-" % n)
    try:
        config = write_config(work, "props.yml", args.props) if args.props else None
        log("== %d positions, latency %d ms: starting the simulator" % (n, args.latency_ms))
        t0 = time.monotonic()
        sim = Sim(args.sim, n, args.latency_ms)
        log("   simulator up in %.1f s at %s" % (time.monotonic() - t0, sim.url))
        data_dir = os.path.join(work, "data")
        os.makedirs(data_dir)
        try:
            one_pct = max(1, n // 100)
            sample = min(args.baseline_sample, n)

            want = lambda case: not args.cases or case in args.cases
            # Baseline, 100% changed (empty channel), on a sample.
            if runner.args.baseline and sample > 0 and want("baseline"):
                for conc in sorted({1, props["concurrency"]}):
                    sim.clear_entries()
                    log("   baseline 100%% changed, %d positions, concurrency %d" % (sample, conc))
                    b = runner.baseline(sim, data_dir, sample, conc)
                    rows.append(baseline_row("full-100%", n, b, n, 1.0))

            # full-100% (empty channel) and a no-op delta right after each. The delta's window
            # starts overlap-seconds (300) before the full run's end, so it reads again the
            # generated positions updated in the 5 minutes before the simulator started; the
            # full run confirmed them (its synced tail), so they need no commercetools call.
            full, noop = [], []
            for i in range(reps if want("full-100%") or want("noop-delta") else 1):
                sim.clear_entries()
                sim.reset_setting()
                log("   connector full-100%% rep %d" % (i + 1))
                full.append(runner.connector(sim, data_dir, config))
                log("     %.2f s" % full[-1]["wall_s"])
                if not want("noop-delta"):
                    continue
                noop.append(runner.connector(sim, data_dir, config))
                log("   connector noop-delta: %.3f s, %d HTTP requests, %d positions read, %d already synced" % (
                    noop[-1]["wall_s"], sim_http_requests(noop[-1]["sim"]), noop[-1]["summary"]["positionsRead"],
                    noop[-1]["summary"].get("positionsAlreadySynced", 0)))
            if want("full-100%"):
                rows.append(connector_row("full-100%", n, full, props, latency_s))
            if noop:
                rows.append(connector_row("noop-delta", n, noop, props, latency_s))

            # full-0%: a full scan where nothing changed (the CPU-per-position case).
            zero = []
            for i in range(reps if want("full-0%") else 0):
                sim.reset_setting()
                log("   connector full-0%% rep %d" % (i + 1))
                zero.append(runner.connector(sim, data_dir, config))
                log("     %.2f s" % zero[-1]["wall_s"])
            if zero:
                rows.append(connector_row("full-0%", n, zero, props, latency_s))

            # full-1%: 1% touched, then a full scan.
            pct = []
            for i in range(reps if want("full-1%") else 0):
                sim.touch(one_pct)
                sim.reset_setting()
                log("   connector full-1%% rep %d" % (i + 1))
                pct.append(runner.connector(sim, data_dir, config))
                log("     %.2f s" % pct[-1]["wall_s"])
            if pct:
                rows.append(connector_row("full-1%", n, pct, props, latency_s))

            # delta-1%: 1% touched after a run, then a delta run reading only those.
            delta = []
            for i in range(reps if want("delta-1%") else 0):
                sim.touch(one_pct)
                log("   connector delta-1%% rep %d" % (i + 1))
                delta.append(runner.connector(sim, data_dir, config))
                log("     %.2f s" % delta[-1]["wall_s"])
            if delta:
                rows.append(connector_row("delta-1%", n, delta, props, latency_s))

            # Baseline, 1% changed: everything equal, then 1% touched; on a sample.
            if runner.args.baseline and sample > 0 and want("baseline"):
                for conc in sorted({1, props["concurrency"]}):
                    sim.touch(one_pct)
                    log("   baseline 1%% changed, %d positions, concurrency %d" % (sample, conc))
                    b = runner.baseline(sim, data_dir, sample, conc)
                    rows.append(baseline_row("full-1%", n, b, n, 0.01))
        finally:
            sim.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------- output

def fmt(v, spec):
    if v is None:
        return "-"
    return format(v, spec)


def print_table(rows, out=sys.stdout):
    hdr = ("case", "N", "who", "wall s", "pos/s", "upserts/s", "HTTP", "ct req", "req/chg", "RSS MiB",
           "CPU ms", "CPU µs/pos", "sim CPU s", "limit s", "×limit")
    lines = [hdr]
    for r in rows:
        who = "connector" if r["kind"] == "connector" else "baseline C=%d*" % r["concurrency"]
        # Per position only where a run reads the catalogue; a delta's CPU is
        # mostly the fixed cost of a run (see print_cpu_split).
        per_pos = r["cpu_us_per_position"] if r["kind"] != "connector" or r["case"].startswith("full") else None
        cpu_ms = r["cpu_s"] * 1e3 if r.get("cpu_s") is not None and r["kind"] == "connector" else None
        lines.append((r["case"], str(r["n"]), who, fmt(r["wall_s"], ".2f"), fmt(r["positions_per_s"], ",.0f"),
                      fmt(r["upserts_per_s"], ",.0f"), fmt(r["http_requests_sim"], ".0f"),
                      fmt(r["ct_requests_sim"], ".0f"), fmt(r["requests_per_changed"], ".3f"),
                      fmt(r["rss_mib"], ".1f"), fmt(cpu_ms, ".0f"), fmt(per_pos, ".2f"), fmt(r.get("sim_cpu_s"), ".2f"),
                      fmt(r.get("limit_s"), ".2f"), fmt(r.get("vs_limit"), ".2f")))
    widths = [max(len(l[i]) for l in lines) for i in range(len(hdr))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(hdr, widths)) + " |", file=out)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|", file=out)
    for l in lines[1:]:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(l, widths)) + " |", file=out)
    if any(r["kind"] == "baseline" for r in rows):
        print("\n* baseline: measured on a sample of positions (HTTP, req/chg, CPU are the sample's), wall time "
              "extrapolated linearly to N.", file=out)


def ratios(rows):
    out = []
    conn = {(r["case"], r["n"]): r for r in rows if r["kind"] == "connector"}
    for b in rows:
        if b["kind"] != "baseline":
            continue
        c = conn.get((b["case"], b["n"]))
        if c:
            out.append({"case": b["case"], "n": b["n"], "baseline_concurrency": b["concurrency"],
                        "baseline_wall_s": b["wall_s"], "connector_wall_s": c["wall_s"],
                        "speedup": b["wall_s"] / c["wall_s"]})
    return out


def print_ratios(rows, out=sys.stdout):
    rs = ratios(rows)
    if not rs:
        return
    print("\nConnector vs baseline (same run; baseline extrapolated from its sample):", file=out)
    for r in rs:
        print("  %-9s N=%-8d baseline C=%d: %9.1f s   connector: %7.2f s   speedup %7.1f×" %
              (r["case"], r["n"], r["baseline_concurrency"], r["baseline_wall_s"], r["connector_wall_s"],
               r["speedup"]), file=out)


def print_cpu_split(rows, out=sys.stdout):
    """CPU per position split into the fixed cost of one run (process start, dynamic linking,
    config, store, tokens: the no-op delta's CPU) and the cost that grows with N."""
    noop = {r["n"]: r["cpu_s"] for r in rows if r["kind"] == "connector" and r["case"] == "noop-delta" and r["cpu_s"]}
    lines = []
    for r in rows:
        if r["kind"] == "connector" and r["case"] in ("full-0%", "full-1%", "full-100%") and r["n"] in noop \
                and r["cpu_s"] and r["positions_read"]:
            fixed = noop[r["n"]]
            lines.append("  %-9s N=%-8d CPU %7.3f s = fixed %5.1f ms + %5.2f µs/position" % (
                r["case"], r["n"], r["cpu_s"], fixed * 1e3, (r["cpu_s"] - fixed) / r["positions_read"] * 1e6))
    if lines:
        print("\nConnector CPU: the fixed cost of a run (the no-op delta's CPU) and the part that grows with N:", file=out)
        print("\n".join(lines), file=out)


def print_by_kind(rows, out=sys.stdout):
    print("\nHTTP requests by kind (connector summary requestsByKind, last repetition):", file=out)
    for r in rows:
        if r["kind"] == "connector":
            print("  %-10s N=%-8d %s" % (r["case"], r["n"], json.dumps(r["requests_by_kind"], sort_keys=True)), file=out)
    print("\nSimulator /_sim/stats (last repetition):", file=out)
    for r in rows:
        who = r["kind"] if r["kind"] == "connector" else "baseline C=%d" % r["concurrency"]
        print("  %-10s N=%-8d %-13s %s" % (r["case"], r["n"], who, json.dumps(r["sim_stats"], sort_keys=True)), file=out)


# --------------------------------------------------------------------------- main

def find_binary(build_dir, name):
    p = os.path.join(build_dir, name)
    return p if os.path.exists(p) else None


def parse_props(items):
    props = {}
    for it in items or []:
        k, _, v = it.partition("=")
        props[k] = int(v) if v.lstrip("-").isdigit() else v
    return props


def smoke_check(rows):
    """The CI targets: requests per changed SKU <= 1.05 (all HTTP requests, lookups and tokens included)
    and a no-op delta of at most 4 HTTP requests with no commercetools call."""
    failures = []
    for r in rows:
        if r["kind"] != "connector":
            continue
        if r["case"] == "noop-delta":
            if r["http_requests_sim"] > 4:
                failures.append("noop-delta N=%d: %d HTTP requests (> 4)" % (r["n"], r["http_requests_sim"]))
            if r["ct_requests_sim"] > 0:
                failures.append("noop-delta N=%d: %d commercetools requests (> 0)" % (r["n"], r["ct_requests_sim"]))
        elif r["changed"]:
            if r["requests_per_changed"] > 1.05:
                failures.append("%s N=%d: %.3f HTTP requests per changed SKU (> 1.05)"
                                % (r["case"], r["n"], r["requests_per_changed"]))
    return failures


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=os.path.join(root, "build"))
    ap.add_argument("--connector", help="fluent-ct binary (default BUILD_DIR/fluent-ct)")
    ap.add_argument("--sim", help="fluent-ct-sim binary (default BUILD_DIR/fluent-ct-sim)")
    ap.add_argument("--baseline", help="fluent-ct-baseline binary (default BUILD_DIR/fluent-ct-baseline)")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--latency-ms", type=int, default=20)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--with-1m", action="store_true", help="also 1,000,000 positions (1 repetition)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--baseline-sample", type=int, default=1000,
                    help="positions the baseline syncs per case; its time is extrapolated to N")
    ap.add_argument("--prop", action="append", metavar="NAME=VALUE",
                    help="route prop override for the connector (written to a --config file), e.g. concurrency=16")
    ap.add_argument("--cases", help="comma-separated subset of full-100%%,noop-delta,full-0%%,full-1%%,delta-1%%,"
                    "baseline (default: all)")
    ap.add_argument("--json", help="write every row (with raw stats) to this file")
    ap.add_argument("--smoke", action="store_true",
                    help="CI smoke: 5k positions, 2 ms latency, 1 rep, no baseline; exit 1 on a missed target")
    args = ap.parse_args()
    args.props = parse_props(args.prop)
    args.cases = set(c for c in (args.cases or "").split(",") if c)
    args.connector = args.connector or find_binary(args.build_dir, "fluent-ct")
    args.sim = args.sim or find_binary(args.build_dir, "fluent-ct-sim")
    if args.smoke:
        args.no_baseline = True
        args.latency_ms = 2
        args.sizes = "5000"
        args.with_1m = False
        args.reps = 1
    args.baseline = None if args.no_baseline else (args.baseline or find_binary(args.build_dir, "fluent-ct-baseline"))
    for name in ("connector", "sim"):
        if not getattr(args, name) or not os.path.exists(getattr(args, name)):
            ap.error("no %s binary: build first or pass --%s" % (name, name))
    if not args.no_baseline and not args.baseline:
        ap.error("no fluent-ct-baseline binary: build it (bench/CMakeLists.txt) or pass --no-baseline")

    runner = Runner(args)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.with_1m and 1000000 not in sizes:
        sizes.append(1000000)
    rows = []
    t0 = time.monotonic()
    for n in sizes:
        bench_size(runner, n, 1 if n >= 1000000 else args.reps, args, rows)
    elapsed = time.monotonic() - t0

    print("fluent-ct benchmark: latency %d ms per request, props %s, medians of %d repetition(s) (1 for 1M); %.0f s"
          % (args.latency_ms, json.dumps({**DEFAULT_PROPS, **args.props}), args.reps, elapsed))
    print()
    print_table(rows)
    print_ratios(rows)
    print_cpu_split(rows)
    print_by_kind(rows)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"latency_ms": args.latency_ms, "props": {**DEFAULT_PROPS, **args.props}, "rows": rows,
                       "ratios": ratios(rows), "nproc": os.cpu_count()}, f, indent=1)
    if args.smoke:
        failures = smoke_check(rows)
        if failures:
            print("\nbench_smoke FAILED:\n  " + "\n  ".join(failures))
            return 1
        print("\nbench_smoke passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
