"""Every OpenLineage event of a real build and of a failed one, checked with openlineage-python.

OpenLineageEventsIT runs the builds (an HTTP receiver on the loopback address records what they
send) and writes the events, one JSON document a line, to $TRAINFORGE_OL_EVENTS/succeeded.jsonl
and failed.jsonl. Each event is rebuilt from openlineage-python's models of the spec (the attrs
classes of openlineage.client.event_v2 and openlineage.client.generated): construction runs their
validators (run id a UUID, event time with a time, known event type) and rejects a missing
required field or an unknown one; serialized back with the client's Serde, the event must be what
was sent, field for field. Each facet names its schema: the spec's facets the exact URL the client
carries, this project's own a $defs entry of docs/openlineage/trainforge-facets.json, which
validates the facet (jsonschema).
"""

import json
import os
import pathlib
import uuid

import jsonschema
import pytest
from openlineage.client.event_v2 import (
    InputDataset,
    Job,
    OutputDataset,
    Run,
    RunEvent,
    RunState,
)
from openlineage.client.generated import (
    dataset_version_dataset,
    error_message_run,
    input_statistics_input_dataset,
    job_type_job,
    output_statistics_output_dataset,
    parent_run,
    processing_engine_run,
)
from openlineage.client.serde import Serde

REPO = pathlib.Path(__file__).resolve().parents[2]
EVENTS = pathlib.Path(os.environ["TRAINFORGE_OL_EVENTS"])
CUSTOM = json.loads((REPO / "docs/openlineage/trainforge-facets.json").read_text())
CUSTOM_URL = CUSTOM["$id"]

RUN_FACETS = {
    "parent": parent_run.ParentRunFacet,
    "errorMessage": error_message_run.ErrorMessageRunFacet,
    "processing_engine": processing_engine_run.ProcessingEngineRunFacet,
}
JOB_FACETS = {"jobType": job_type_job.JobTypeJobFacet}
DATASET_FACETS = {"version": dataset_version_dataset.DatasetVersionDatasetFacet}
INPUT_FACETS = {"inputStatistics": input_statistics_input_dataset.InputStatisticsInputDatasetFacet}
OUTPUT_FACETS = {
    "outputStatistics": output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet
}


def events(name):
    lines = (EVENTS / name).read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def spec_facet(cls, sent):
    """The client's model of a spec facet, from what was sent; its schema URL must be the model's."""
    assert sent["_schemaURL"] == cls._get_schema(), (sent["_schemaURL"], cls._get_schema())
    fields = {k: v for k, v in sent.items() if not k.startswith("_")}
    if cls is parent_run.ParentRunFacet:
        fields["run"] = parent_run.Run(**fields["run"])
        fields["job"] = parent_run.Job(**fields["job"])
    return cls(producer=sent["_producer"], **fields)


def custom_facet(name, sent):
    """A facet of this project: its schema URL a $defs entry of our schema file, which it meets."""
    url, _, pointer = sent["_schemaURL"].partition("#")
    assert url == CUSTOM_URL, (name, url)
    assert pointer.startswith("/$defs/"), (name, pointer)
    schema = CUSTOM["$defs"][pointer[len("/$defs/"):]]
    jsonschema.validate(sent, schema, format_checker=jsonschema.FormatChecker())
    return sent


def facets(sent, spec, custom=()):
    out = {}
    for name, facet in (sent or {}).items():
        if name in spec:
            out[name] = spec_facet(spec[name], facet)
        elif name in custom:
            out[name] = custom_facet(name, facet)
        else:
            pytest.fail(f"facet {name!r} is neither a spec facet this test knows nor our own")
    return out


def model(sent):
    """The event as openlineage-python's RunEvent; fails on anything the spec does not allow."""
    run = Run(
        runId=sent["run"]["runId"],
        facets=facets(sent["run"].get("facets"), RUN_FACETS, ("trainforge_run", "trainforge_build")),
    )
    job = Job(
        namespace=sent["job"]["namespace"],
        name=sent["job"]["name"],
        facets=facets(sent["job"].get("facets"), JOB_FACETS),
    )
    inputs = [
        InputDataset(
            namespace=d["namespace"],
            name=d["name"],
            facets=facets(d.get("facets"), DATASET_FACETS),
            inputFacets=facets(d.get("inputFacets"), INPUT_FACETS),
        )
        for d in sent.get("inputs", [])
    ]
    outputs = [
        OutputDataset(
            namespace=d["namespace"],
            name=d["name"],
            facets=facets(d.get("facets"), DATASET_FACETS),
            outputFacets=facets(d.get("outputFacets"), OUTPUT_FACETS),
        )
        for d in sent.get("outputs", [])
    ]
    known = {"eventType", "eventTime", "run", "job", "inputs", "outputs", "producer", "schemaURL"}
    assert set(sent) <= known, set(sent) - known
    event = RunEvent(
        eventType=RunState(sent["eventType"]),
        eventTime=sent["eventTime"],
        run=run,
        job=job,
        inputs=inputs,
        outputs=outputs,
        producer=sent["producer"],
    )
    assert sent["schemaURL"] == event.schemaURL == RunEvent._get_schema()
    return event


def check(sent):
    event = model(sent)
    # Field for field what was sent: nothing lost, renamed or mistyped on the way through the
    # spec's models. Empty facet maps are the same as none, on either side.
    assert drop_empty(Serde.to_dict(event)) == drop_empty(sent)
    assert str(uuid.UUID(sent["run"]["runId"])) == sent["run"]["runId"]
    return event


def drop_empty(d):
    if isinstance(d, dict):
        return {k: drop_empty(v) for k, v in d.items() if not (isinstance(v, dict) and not v)}
    if isinstance(d, list):
        return [drop_empty(v) for v in d]
    return d


def test_a_build_sends_start_then_complete_of_one_run():
    sent = events("succeeded.jsonl")
    checked = [check(e) for e in sent]
    assert [e.eventType for e in checked] == [RunState.START, RunState.COMPLETE]
    assert checked[0].run.runId == checked[1].run.runId
    complete = checked[1]
    assert complete.outputs[0].facets["version"].datasetVersion == "v1"
    assert complete.outputs[0].outputFacets["outputStatistics"].rowCount == 1
    for i in complete.inputs:
        stats = i.inputFacets["inputStatistics"]
        assert stats.rowCount == 1 and stats.fileCount >= 1 and stats.size > 0
        assert i.namespace == "file" and i.name.startswith("/")


def test_a_failed_build_sends_start_then_fail_with_its_error():
    sent = events("failed.jsonl")
    checked = [check(e) for e in sent]
    assert [e.eventType for e in checked] == [RunState.START, RunState.FAIL]
    assert checked[0].run.runId == checked[1].run.runId
    error = checked[1].run.facets["errorMessage"]
    assert error.programmingLanguage == "JAVA"
    assert error.message.startswith("Cannot publish 'lineage' v2: validation failed")


def test_every_run_names_its_engine_code_host_and_user():
    for e in events("succeeded.jsonl") + events("failed.jsonl"):
        run = check(e).run
        engine = run.facets["processing_engine"]
        assert engine.name == "spark" and engine.version.startswith("4.")
        build = run.facets["trainforge_build"]
        assert build["commit"] != "unknown" and len(build["commit"]) == 40
        assert build["host"] and build["user"]
