"""Regenerate the embedded sample's sha256 registry after a change to the synthetic generator.

Run ``make sample-registry`` (this script), then commit
``alloava_analysis/data/sample_registry.txt`` together with the generator change.
"""
from alloava_analysis.sample_data import write_sample_registry

if __name__ == "__main__":
    print(f"wrote {write_sample_registry(progress=True)}")
