"""Writes the public holidays of python-holidays for the contract's countries, 2024-2035, as CSV on stdout.

The Go test internal/contract/holidays_test.go compares them with the dates the contract's calendar closes.
Run through `make holidays-reference`, which installs the pinned requirements.txt in a virtual environment.
What is written: for each country, the national level (no subdivision) and the default category (public
holidays), every date of every year with its name, observed days included. Sorted, so the file only changes
when the data does.
"""

import sys
from importlib.metadata import version

import holidays

COUNTRIES = ["AT", "BE", "CA", "CH", "DE", "DK", "ES", "FR", "GB", "IE", "IT", "NL", "SE", "US"]
FIRST, LAST = 2024, 2035


def main():
    out = sys.stdout
    out.write(f"# python-holidays {version('holidays')}: national public holidays {FIRST}-{LAST}, "
              "written by internal/contract/testdata/holidays/reference.py (make holidays-reference)\n")
    out.write("country,date,name\n")
    for country in COUNTRIES:
        days = holidays.country_holidays(country, years=range(FIRST, LAST + 1))
        for day in sorted(days):
            # A date with two holidays has them joined by "; ".
            out.write(f"{country},{day.isoformat()},\"{days[day]}\"\n")


if __name__ == "__main__":
    main()
