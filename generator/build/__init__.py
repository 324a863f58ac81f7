"""Stage 3: build the IR from the validated document (schemas first, then operations)."""
