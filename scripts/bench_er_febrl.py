"""Splink side of the FEBRL benchmark (driven by scripts/bench_er_febrl.sh).

Runs Splink (DuckDB backend) on one FEBRL dataset configured as Splink's own FEBRL examples
(docs/demos/examples/duckdb/febrl3 and febrl4, "detailed" model) configure it, writes its
pairwise predictions as CSV (id_l,id_r,match_probability) and prints the wall-clock and CPU
seconds (all threads of the process) spent in Splink: model set-up, training and prediction;
imports and file reading excluded.
"""

import sys
import time

import duckdb
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def load(con, path):
    # Same preparation as the Splink examples: strip header spaces, keep ids/dates as text.
    return con.sql(
        f"""
        select * from read_csv('{path}', header=true, all_varchar=true,
                               normalize_names=false)
        """
    )


def prepare(con, rel):
    cols = rel.columns
    sel = ", ".join(
        f"nullif(trim(\"{c}\"), '') as \"{c.strip()}\"" for c in cols
    )
    return con.sql(f"select {sel} from rel")


def dedupe(path, out):
    con = duckdb.connect()
    df = prepare(con, load(con, path)).arrow().read_all()
    t0 = time.perf_counter()
    c0 = time.process_time()
    blocking_rules = [
        block_on("soc_sec_id"),
        block_on("given_name"),
        block_on("surname"),
        block_on("date_of_birth"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=True,
    )
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register(df), settings)
    deterministic_rules = [
        block_on("soc_sec_id"),
        block_on("given_name", "surname", "date_of_birth"),
        "l.given_name = r.surname and l.surname = r.given_name "
        "and l.date_of_birth = r.date_of_birth",
    ]
    linker.training.estimate_probability_two_random_records_match(
        deterministic_rules, recall=0.9
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode")
    )
    pred = linker.inference.predict(threshold_match_probability=0.2)
    rel = pred.as_duckdbpyrelation()
    rows = rel.select("rec_id_l, rec_id_r, match_probability").fetchall()
    elapsed = (time.perf_counter() - t0, time.process_time() - c0)
    write(out, rows)
    return elapsed


def link(path_a, path_b, out):
    con = duckdb.connect()
    dfs = [prepare(con, load(con, p)).arrow().read_all() for p in (path_a, path_b)]
    t0 = time.perf_counter()
    c0 = time.process_time()
    blocking_rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
        retain_intermediate_calculation_columns=True,
    )
    db_api = DuckDBAPI(connection=con)
    linker = Linker([db_api.register(d) for d in dfs], settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")],
        recall=0.8,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True
    )
    pred = linker.inference.predict(threshold_match_probability=0.2)
    rows = pred.as_duckdbpyrelation().select(
        "rec_id_l, rec_id_r, match_probability"
    ).fetchall()
    elapsed = (time.perf_counter() - t0, time.process_time() - c0)
    write(out, rows)
    return elapsed


def write(out, rows):
    with open(out, "w") as f:
        f.write("id_l,id_r,match_probability\n")
        for a, b, p in rows:
            f.write(f"{a},{b},{p!r}\n")


if __name__ == "__main__":
    import logging

    logging.disable(logging.WARNING)
    args = sys.argv[1:]
    if len(args) == 2:
        wall, cpu = dedupe(args[0], args[1])
    elif len(args) == 3:
        wall, cpu = link(args[0], args[1], args[2])
    else:
        sys.exit("usage: bench_er_febrl.py <a.csv> [<b.csv>] <links-out.csv>")
    print(f"{wall:.4f} {cpu:.4f}")
