"""The domain: text operations, their agents and prompts, batches."""
