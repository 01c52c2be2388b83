from conftest import LAPTOP_ANSWERS


def test_file_and_work_a_request_over_http(org, api):
    rita = api(org.requester)
    created = rita.post(
        "/requests",
        json={
            "service": "it-laptop",
            "answers": LAPTOP_ANSWERS,
            "description": "My laptop died",
            "location": "City Hall, room 215",
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["number"] == "IT-000001"
    assert body["location"] == "City Hall, room 215" and body["latitude"] is None
    assert body["assignee"]["name"] == "Pete Point"

    pete = api(org.it_point)
    reply = pete.post(f"/requests/{body['number']}/replies", json={"body": "On it"})
    assert reply.status_code == 201, reply.text
    detail = rita.get(f"/requests/{body['number']}").json()
    assert [e["kind"] for e in detail["timeline"]] == ["created", "assignment", "reply"]
