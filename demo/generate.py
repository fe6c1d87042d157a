"""Writes the bundled demo results: 240 web-shop orders in all four formats (demo/results/orders.*).
Deterministic; run with python3 demo/generate.py (needs pyarrow and fastavro from test/requirements.txt)."""
import csv
import datetime as dt
import decimal
import json
import os
import random

import fastavro
import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "results")
COUNTRIES = ["FR", "DE", "US", "JP", "BR", "IN", "GB", "ES"]
PRODUCTS = [("Espresso beans 1kg", "24.90"), ("Pour-over kettle", "59.00"), ("Ceramic mug", "12.50"),
            ("Burr grinder", "189.99"), ("Paper filters (100)", "4.75"), ("Cold brew jar", "32.00")]
NAMES = ["Ana", "Bruno", "Chloé", "Dev", "Emi", "Farah", "Günter", "Hiro", "Inès", "José", "Kofi", "Lena"]


def orders():
    rng = random.Random(2026)
    start = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    for i in range(240):
        product, price = rng.choice(PRODUCTS)
        qty = rng.randint(1, 4)
        ordered = start + dt.timedelta(seconds=rng.randint(0, 30 * 86400), microseconds=rng.randint(0, 999999))
        shipped = None if rng.random() < 0.15 else (ordered + dt.timedelta(days=rng.randint(1, 5))).date()
        yield {
            "order_id": 100000 + i,
            "customer": f"{rng.choice(NAMES)} {chr(65 + rng.randint(0, 25))}.",
            "country": rng.choice(COUNTRIES),
            "product": product,
            "quantity": qty,
            "amount": decimal.Decimal(price) * qty,
            "ordered_at": ordered,
            "shipped_on": shipped,
            "gift": rng.random() < 0.2,
        }


def main():
    os.makedirs(OUT, exist_ok=True)
    rows = list(orders())
    schema = pa.schema([
        ("order_id", pa.int64(), False), ("customer", pa.string()), ("country", pa.string()),
        ("product", pa.string()), ("quantity", pa.int32()), ("amount", pa.decimal128(10, 2)),
        ("ordered_at", pa.timestamp("us", tz="UTC")), ("shipped_on", pa.date32()), ("gift", pa.bool_()),
    ])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), os.path.join(OUT, "orders.parquet"))

    avro_schema = {"type": "record", "name": "order", "fields": [
        {"name": "order_id", "type": "long"},
        {"name": "customer", "type": ["null", "string"]},
        {"name": "country", "type": ["null", "string"]},
        {"name": "product", "type": ["null", "string"]},
        {"name": "quantity", "type": ["null", "int"]},
        {"name": "amount", "type": ["null", {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}]},
        {"name": "ordered_at", "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}]},
        {"name": "shipped_on", "type": ["null", {"type": "int", "logicalType": "date"}]},
        {"name": "gift", "type": ["null", "boolean"]},
    ]}
    with open(os.path.join(OUT, "orders.avro"), "wb") as f:
        fastavro.writer(f, fastavro.parse_schema(avro_schema), rows, codec="deflate")

    with open(os.path.join(OUT, "orders.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(list(rows[0]))
        for r in rows:
            w.writerow([
                "" if v is None else ("true" if v is True else "false" if v is False else
                                      v.isoformat().replace("+00:00", "Z") if isinstance(v, dt.datetime) else
                                      v.isoformat() if isinstance(v, dt.date) else format(v, "f")
                                      if isinstance(v, decimal.Decimal) else v)
                for v in r.values()
            ])

    with open(os.path.join(OUT, "orders.json"), "w", encoding="utf-8") as f:
        for r in rows:
            obj = {k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else
                       float(v) if isinstance(v, decimal.Decimal) else v) for k, v in r.items()}
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} orders in 4 formats to {OUT}")


if __name__ == "__main__":
    main()
