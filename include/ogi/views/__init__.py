"""The quality views: what was read from each report and what is wrong with it, for people.

One set of views serves the Airflow UI plugin (`plugins/ogi_quality.py`) and the static quality report
(`ogi.pipeline.quality_report`): `data` reads the curated datasets, `labels` names codes as the template prints
them, `charts` draws SVG on the server, `pages` renders HTML. Nothing here imports Airflow.
"""
