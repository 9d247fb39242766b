"""Vendor layouts (placeholder, filled in below)."""
from __future__ import annotations


def combine_date_and_time(records, names, load):
    return records, names


def hints(records, names, missing, load):
    return None


def select_instrument(records, names, load):
    return records


def finish(load, records, names, df):
    return df
