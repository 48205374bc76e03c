"""Shipped questionnaires (YAML). A deployment may point MUSTER_QUESTIONNAIRE at its own file."""
