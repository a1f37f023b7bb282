"""Who answers: teams, agents with their languages, capacity and presence, and assignment."""
