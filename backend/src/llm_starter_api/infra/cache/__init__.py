"""The AI response cache: protocol, memory and Redis tiers, keys, codec, single flight."""
