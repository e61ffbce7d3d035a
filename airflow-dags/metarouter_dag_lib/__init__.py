"""Plain-Python support of the nightly retraining DAG (metarouter_nightly.py).

- commands: every command line of the flow, built from the DAG's params (no Airflow imports,
  unit tested on their own);
- runtime: what the DAG's tasks call at run time (the log sensor, the candidate version, the
  self-check) and the Jinja macros that hand the command builders' output to SparkSubmitOperator;
- alerts: the failure callback that writes an alert record.
"""
