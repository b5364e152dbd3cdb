"""Synthetic 社情民意 ledgers calibrated on the 2021 seed article, with their expected figures."""

from sqmy_etl.synth.generate import generate_ledgers

__all__ = ["generate_ledgers"]
