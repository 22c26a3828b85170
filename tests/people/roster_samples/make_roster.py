"""Write a believable roster for timing the import: a management tree seven reports wide,
182 nested teams, mixed details.

    python tests/people/roster_samples/make_roster.py 10000 /tmp/roster-10k.csv
    time python manage.py import_roster /tmp/roster-10k.csv --organization bench \
        --create-organization Bench
"""

from __future__ import annotations

import csv
import random
import sys

HEADER = (
    "email,name,team,team_role,org_admin,manager_email,timezone,location,title,start_date,status"
)
TIME_ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", ""]
DEPARTMENTS = ["Engineering", "Sales", "Support", "People", "Finance", "Marketing", "Operations"]
TEAMS = [f"{d}/Group {g}/Squad {s}" for d in DEPARTMENTS for g in range(5) for s in range(4)]


def main(count: int, path: str, seed: int = 1) -> None:
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER.split(","))
        for i in range(count):
            writer.writerow(
                [
                    f"person{i}@bench.example",
                    f"Person {i}",
                    rng.choice(TEAMS),
                    "lead" if i % 9 == 0 else "member",
                    "yes" if i < 3 else "no",
                    f"person{(i - 1) // 7}@bench.example" if i else "",
                    rng.choice(TIME_ZONES),
                    rng.choice(["Berlin", "London", "Remote", ""]),
                    "Engineer",
                    f"20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                    rng.choice(["active"] * 8 + ["on_leave", "returning"]),
                ]
            )


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], *(int(a) for a in sys.argv[3:4]))
