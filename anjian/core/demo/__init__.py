"""The vocabulary every app's demo builder shares (site profiles per industry, people's names):
pure data. The generator that writes the demo city is the portal's (anjian/portal/demo)."""
