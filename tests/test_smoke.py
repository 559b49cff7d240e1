"""The site starts, serves its pages and reports its health."""


def test_home_page_renders_in_thai_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="th">' in response.get_data(as_text=True)


def test_healthz_answers_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
