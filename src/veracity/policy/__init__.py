"""Policies: versioned CEL rules, their evaluation into decisions, fixture tests and backtests."""

from veracity.policy.backtest import BacktestReport, SubjectChange, backtest, backtest_engines
from veracity.policy.engine import Evaluation, PolicyEngine, RuleEvaluationError, decision_id
from veracity.policy.errors import PolicyLoadError
from veracity.policy.fixtures import CaseResult, PolicyTestReport, run_policy_tests
from veracity.policy.loader import load_policy_dir, load_policy_file
from veracity.policy.model import Policy, Rule
from veracity.policy.resolve import resolve_actions
from veracity.policy.variables import FactsError, VariableSchema, build_facts

__all__ = [
    "BacktestReport",
    "CaseResult",
    "Evaluation",
    "FactsError",
    "Policy",
    "PolicyEngine",
    "PolicyLoadError",
    "PolicyTestReport",
    "Rule",
    "RuleEvaluationError",
    "SubjectChange",
    "VariableSchema",
    "backtest",
    "backtest_engines",
    "build_facts",
    "decision_id",
    "load_policy_dir",
    "load_policy_file",
    "resolve_actions",
    "run_policy_tests",
]
