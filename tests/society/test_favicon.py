from django.urls import reverse


def test_favicon_is_the_societys_icon_kept_a_month(client):
    response = client.get("/favicon.ico")

    assert (response.status_code, response["Content-Type"]) == (200, "image/x-icon")
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age=2592000" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    assert reverse("favicon") == "/favicon.ico"
