"""MetaRouter on PySpark: the MLlib stages of the jobs jar (``ai.metarouter.jobs.ml``) as PySpark
Estimator/Model wrappers. The jar must be on the session's ``spark.jars``; see README.md."""
import sys

from . import ml
from .ml import JAVA_PACKAGE, MetaRouterEstimator, MetaRouterModel

# PySpark's Pipeline/PipelineModel readers find a Java stage's Python wrapper by importing a module
# named after the Java class's package (JavaParams._from_java). Registering this package's ml module
# under that name lets PipelineModel.load(...) rebuild MetaRouterModel/MetaRouterEstimator stages;
# only the leaf name is registered, so no top-level "ai" package is shadowed.
sys.modules.setdefault(JAVA_PACKAGE, ml)

__all__ = ["MetaRouterEstimator", "MetaRouterModel", "JAVA_PACKAGE"]
