"""Spark 4.3's native ASOF JOIN over the join benchmark's Parquet files: the spark43-asof method.

JoinBenchmark runs this as a child process from the venv that bench/run.sh keeps
(bench/requirements-spark43.txt), because Spark 4.3 cannot share a JVM with the project's Spark 4.1.
It reads <data>/labels (id, k, t) and <data>/f<j> (k, e, v) for each source, joins each source with

    l LEFT ASOF JOIN f MATCH_CONDITION (l.t >= f.e) ON l.k = f.k

and writes (id, v0, e0, v1, e1, ...) as Parquet to <out>, the columns the benchmark checksums.
The benchmark's feature times are distinct per key, so the match is never a tie (Spark 4.3 does
not break ties deterministically).

Prints one JSON line on stdout: Spark's version, and the seconds until the session was up and
those of the query (read, join, write). The caller measures the whole process itself.
"""

import argparse
import json
import os
import time

from pyspark.sql import SparkSession


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="directory with labels/ and f0/, f1/, ...")
    parser.add_argument("--sources", type=int, required=True, help="how many feature sources")
    parser.add_argument("--out", required=True, help="where the result goes, as Parquet")
    parser.add_argument("--heap", required=True, help="driver heap, e.g. 12g")
    parser.add_argument("--partitions", type=int, default=64, help="spark.sql.shuffle.partitions")
    parser.add_argument("--local-dir", required=True, help="spark.local.dir")
    parser.add_argument("--event-log-dir", required=True, help="Spark's event log, for task metrics")
    args = parser.parse_args()

    started = time.monotonic()
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("trainforge-benchmark-spark43-asof")
        # local mode: the driver is the JVM pyspark starts, and this is its -Xmx
        .config("spark.driver.memory", args.heap)
        .config("spark.sql.shuffle.partitions", str(args.partitions))
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.local.dir", args.local_dir)
        .config("spark.eventLog.enabled", "true")
        .config("spark.eventLog.dir", "file://" + os.path.abspath(args.event_log_dir))
        .config("spark.eventLog.compress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    session_up = time.monotonic()

    spark.sql("SET spark.sql.join.asofJoin.enabled=true")
    spark.read.parquet(os.path.join(args.data, "labels")).createOrReplaceTempView("l")
    select = ["l.id"]
    joins = []
    for j in range(args.sources):
        spark.read.parquet(os.path.join(args.data, f"f{j}")).createOrReplaceTempView(f"f{j}")
        select += [f"f{j}.v AS v{j}", f"f{j}.e AS e{j}"]
        joins.append(f"LEFT ASOF JOIN f{j} MATCH_CONDITION (l.t >= f{j}.e) ON l.k = f{j}.k")
    query = f"SELECT {', '.join(select)} FROM l {' '.join(joins)}"
    spark.sql(query).write.parquet(args.out)
    done = time.monotonic()

    print(
        json.dumps(
            {
                "spark": spark.version,
                "session-seconds": round(session_up - started, 3),
                "query-seconds": round(done - session_up, 3),
                "query": query,
            }
        ),
        flush=True,
    )
    spark.stop()


if __name__ == "__main__":
    main()
