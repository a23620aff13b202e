import pytest


@pytest.mark.django_db
@pytest.mark.req("UI-1")
def test_home_answers_in_the_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
