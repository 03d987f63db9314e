"""The `tsukasa` command (placeholder until the CLI lands)."""


def main() -> None:
    print("tsukasa")
