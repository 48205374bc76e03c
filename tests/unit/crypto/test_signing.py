from datetime import UTC, datetime

import pytest

from muster.crypto.signing import AuditSigner, signature_verifier, verify_signature
from muster.domain.audit import AuditChain, Tamper, verify


@pytest.fixture
def signer():
    return AuditSigner(bytes(range(32)))


class TestSigning:
    def test_a_signature_verifies_under_the_verify_key(self, signer):
        assert verify_signature(signer.verify_key, b"message", signer.sign(b"message"))

    def test_another_message_or_key_does_not_verify(self, signer):
        signature = signer.sign(b"message")
        assert not verify_signature(signer.verify_key, b"messagE", signature)
        assert not verify_signature(AuditSigner(bytes(32)).verify_key, b"message", signature)
        assert not verify_signature(signer.verify_key, b"message", signature[:-1])

    def test_the_seed_must_be_32_bytes(self):
        with pytest.raises(ValueError):
            AuditSigner(b"short")


class TestSignedCheckpoints:
    def test_a_signed_checkpoint_verifies_the_audit_chain(self, signer):
        chain = AuditChain()
        records = [
            chain.append(at=datetime(2026, 11, 25, tzinfo=UTC), actor="rev-1", action="applicant:record:read",
                         case_id=f"app-{n}", reason="review")
            for n in range(5)
        ]
        checkpoint = chain.checkpoint(signer.sign)
        assert verify(records, [checkpoint], verify_signature=signature_verifier(signer.verify_key)).ok

    def test_a_checkpoint_signed_with_another_key_is_reported_forged(self, signer):
        chain = AuditChain()
        records = [chain.append(at=datetime(2026, 11, 25, tzinfo=UTC), actor="rev-1",
                                action="applicant:record:read", case_id="app-1", reason="review")]
        forged = chain.checkpoint(AuditSigner(bytes(32)).sign)
        result = verify(records, [forged], verify_signature=signature_verifier(signer.verify_key))
        assert result.problem.kind is Tamper.FORGED_CHECKPOINT
