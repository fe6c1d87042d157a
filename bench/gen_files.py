"""Writes the benchmark inputs with independent writers (pyarrow, fastavro, csv, json) into bench/out/:

  narrow.<ext>  N rows x 8 columns (bigint, int, double, decimal(18,4), text of 10-40 chars, boolean, date,
                timestamp(us, UTC)) in pqt / avro / csv / json
  big.parquet   a Parquet file of at least 1 GB (same columns, default row groups) for the memory check

Usage: python3 bench/gen_files.py <out_dir> <rows> [--big-gb G] [--only parquet,csv]. Files already there are kept.
"""
import json
import os
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

SCHEMA = pa.schema([
    ("id", pa.int64()), ("qty", pa.int32()), ("score", pa.float64()), ("amount", pa.decimal128(18, 4)),
    ("label", pa.string()), ("active", pa.bool_()), ("day", pa.date32()), ("at", pa.timestamp("us", tz="UTC")),
])
ALPHA = np.frombuffer(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ", dtype=np.uint8)


def chunk(start, n, rng):
    ids = np.arange(start, start + n, dtype=np.int64)
    lens = rng.integers(10, 41, n)
    chars = ALPHA[rng.integers(0, len(ALPHA), int(lens.sum()))]
    offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int32)
    labels = pa.StringArray.from_buffers(n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(chars.tobytes()))
    cents = rng.integers(-10**12, 10**12, n)
    # decimal128 is a little-endian 128-bit unscaled integer: low word the value, high word its sign.
    words = np.empty((n, 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = cents >> 63
    amounts = pa.Array.from_buffers(pa.decimal128(18, 4), n, [None, pa.py_buffer(words.tobytes())])
    return pa.table([
        pa.array(ids), pa.array(rng.integers(-2**31, 2**31 - 1, n, dtype=np.int32)),
        pa.array(rng.standard_normal(n) * 1e6), amounts, labels,
        pa.array(rng.integers(0, 2, n).astype(bool)),
        pa.array(rng.integers(-3650, 20000, n, dtype=np.int32), pa.int32()).cast(pa.date32()),
        pa.array(rng.integers(-2**50, 2**50, n), pa.int64()).cast(pa.timestamp("us", tz="UTC")),
    ], schema=SCHEMA)


def batches(rows, rng, size=500_000):
    for start in range(0, rows, size):
        yield chunk(start, min(size, rows - start), rng)


def write_parquet(path, rows, rng):
    with pq.ParquetWriter(path, SCHEMA, compression="snappy") as w:
        for t in batches(rows, rng):
            w.write_table(t, row_group_size=1_000_000)


def write_avro(path, rows, rng):
    import fastavro
    schema = fastavro.parse_schema({"type": "record", "name": "narrow", "fields": [
        {"name": "id", "type": "long"}, {"name": "qty", "type": "int"}, {"name": "score", "type": "double"},
        {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 18, "scale": 4}},
        {"name": "label", "type": "string"}, {"name": "active", "type": "boolean"},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}}]})

    def records():
        for t in batches(rows, rng):
            for r in t.to_pylist():
                yield r
    with open(path, "wb") as f:
        fastavro.writer(f, schema, records(), codec="deflate")


def write_csv(path, rows, rng):
    import pyarrow.csv as pcsv
    with pcsv.CSVWriter(path, SCHEMA) as w:
        for t in batches(rows, rng):
            w.write_table(t)


def write_json(path, rows, rng):
    # Hand-built lines: the decimal goes out as an exact number literal, which json.dumps cannot do.
    with open(path, "w", encoding="utf-8") as f:
        for t in batches(rows, rng):
            c = t.to_pydict()
            for i in range(t.num_rows):
                f.write(
                    f'{{"id": {c["id"][i]}, "qty": {c["qty"][i]}, "score": {json.dumps(c["score"][i])}, '
                    f'"amount": {format(c["amount"][i], "f")}, "label": {json.dumps(c["label"][i])}, '
                    f'"active": {json.dumps(c["active"][i])}, "day": "{c["day"][i].isoformat()}", '
                    f'"at": "{c["at"][i].isoformat()}"}}\n'
                )


def main():
    out, rows = sys.argv[1], int(sys.argv[2])
    big_gb = float(sys.argv[sys.argv.index("--big-gb") + 1]) if "--big-gb" in sys.argv else 0
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else None
    os.makedirs(out, exist_ok=True)
    for ext, fn in [("parquet", write_parquet), ("avro", write_avro), ("csv", write_csv), ("json", write_json)]:
        if only and ext not in only:
            continue
        path = os.path.join(out, f"narrow-{rows}.{ext}")
        if not os.path.exists(path):
            fn(path + ".tmp", rows, np.random.default_rng(42))
            os.replace(path + ".tmp", path)
        print(path, os.path.getsize(path))
    if big_gb:
        path = os.path.join(out, f"big-{big_gb:g}gb.parquet")
        if not os.path.exists(path):
            rng = np.random.default_rng(7)
            with pq.ParquetWriter(path + ".tmp", SCHEMA, compression="snappy") as w:
                start = 0
                while os.path.getsize(path + ".tmp") < big_gb * (1 << 30):
                    t = chunk(start, 1_000_000, rng)
                    w.write_table(t)
                    start += t.num_rows
            os.replace(path + ".tmp", path)
        print(path, os.path.getsize(path))


if __name__ == "__main__":
    main()
