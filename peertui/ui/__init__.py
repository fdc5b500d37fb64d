"""The Textual UI. Renders from the store; holds no truth of its own."""
