"""Stage 3: normalize the validated document into the IR (schemas first, then operations)."""
