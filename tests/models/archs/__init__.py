"""Architectures the suite builds itself: the small custom modules of the original tests and the
torch.hub-only models, written from their published layer specs (see /work/shared/MODELS.md)."""
