"""The intermediate representation (IR): the only thing templates see."""
