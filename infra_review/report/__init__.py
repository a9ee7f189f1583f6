"""Output formats: JSON contract, SARIF 2.1.0, JUnit XML, Markdown, table, HTML."""
