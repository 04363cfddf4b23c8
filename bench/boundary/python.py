"""The Python half of scripts/bench-boundary.sh: the workload of bench/src/bin/boundary.rs
through the crm_ffi wheel (uniffi), printing the same JSON line. Usage: python python.py DIR"""

import json
import sys
import time

from crm_ffi import ContactFilter, ContactInput, ContactQuery, Crm, Email, Sort, SortBy

directory = sys.argv[1]
with open(f"{directory}/ids.txt", encoding="utf-8") as f:
    ids = f.read().split()
with open(f"{directory}/crm.bytes", "rb") as f:
    crm = Crm.open_bytes(f.read())
GETS, CREATES, PAGES, COUNTS = 20_000, 5_000, 2_000, 2_000
query = ContactQuery(limit=50, sort=Sort(by=SortBy.NAME, descending=False))
gets = creates = pages = counts = 0.0
for round_ in range(2):
    start = time.perf_counter_ns()
    for i in range(GETS):
        crm.get_contact(ids[(i * 7) % len(ids)])
    gets = (time.perf_counter_ns() - start) / GETS
    start = time.perf_counter_ns()
    for i in range(CREATES):
        crm.create_contact(ContactInput(
            given_name="Nowy", family_name=f"Kontakt {i}",
            emails=[Email(address=f"new{i + round_ * CREATES}@firma.pl")], tags=["new"],
        ))
    creates = (time.perf_counter_ns() - start) / CREATES
    start = time.perf_counter_ns()
    for _ in range(PAGES):
        crm.list_contacts(query)
    pages = (time.perf_counter_ns() - start) / PAGES
    start = time.perf_counter_ns()
    for _ in range(COUNTS):
        crm.count_contacts(ContactFilter())
    counts = (time.perf_counter_ns() - start) / COUNTS
print(json.dumps({"runtime": "python", "get_contact": round(gets),
                  "create_contact": round(creates), "page_of_50": round(pages),
                  "count": round(counts)}))
