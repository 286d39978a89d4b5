"""The nightly pipeline as plain functions over the data root; the Airflow DAG only wires them into tasks."""
