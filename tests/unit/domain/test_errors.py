from muster.domain.errors import TransitionNotAllowed, ValidationFailed, WorkflowError


class TestErrors:
    def test_transition_error_names_stage_and_action(self):
        error = TransitionNotAllowed("interview", "place")
        assert isinstance(error, WorkflowError)
        assert "interview" in str(error) and "place" in str(error)

    def test_validation_failure_lists_fields_not_values(self):
        error = ValidationFailed({"family_name": "required", "email": "not an address"})
        assert str(error) == "invalid input in: email, family_name"
        assert error.details == "family_name: required; email: not an address"
