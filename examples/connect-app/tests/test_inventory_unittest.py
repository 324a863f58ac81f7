"""The same kit in a ``unittest.TestCase`` (``python -m unittest`` or pytest run it)."""

from __future__ import annotations

import unittest

from connect_app.inventory import remove_connection

from versori_connect.testing import MockAPI, NotSetUp


class RemoveConnection(unittest.TestCase):
    def setUp(self) -> None:
        self.mock = MockAPI()

    def test_deleted(self) -> None:
        self.mock.connections.delete_connection.returns(None)
        self.assertTrue(remove_connection(self.mock.client(), "o", "c", "x"))
        self.assertEqual(self.mock.connections.delete_connection.calls[0].kwargs["connection_id"], "x")

    def test_an_operation_not_set_up_fails_loudly(self) -> None:
        with self.assertRaises(NotSetUp) as caught:
            remove_connection(self.mock.client(), "o", "c", "x")
        self.assertIn("mock.connections.delete_connection.returns(", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
