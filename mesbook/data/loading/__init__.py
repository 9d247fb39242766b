"""The stages of :func:`mesbook.data.loader.load_market_data`, one module each, sharing one :class:`~.common.Load`.

* :mod:`.common` — the load's state, constants, the refusal helper, the import of the market frame's columns;
* :mod:`.source` — bytes to text: the file read, unpacked (gzip, bz2, xz, zstd, zip) and decoded;
* :mod:`.tables` — Parquet and Feather files as typed columns;
* :mod:`.records` — separator, header and rows (pyarrow's CSV reader; a diagnostic scan explains refusals);
* :mod:`.header` — market column names, ``columns=``/``names=``, and the missing-column refusal;
* :mod:`.layouts` — vendor layouts: date and time columns, value-checked hints, instruments, rolls, scales;
* :mod:`.numbers` — decimal and thousands marks, prices, open interest and extra columns;
* :mod:`.timestamps` — text, numeric and typed timestamps to tz-naive exchange time;
* :mod:`.checks` — positive values and strictly increasing time.
"""
