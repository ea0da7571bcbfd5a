using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Doctolib.Telehealth.Signaling.Tests;

public sealed class OperationsTests : IAsyncLifetime
{
    private TelehealthApp app = null!;

    public async Task InitializeAsync() => app = await TelehealthApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Health_AndReadiness_AnswerWithoutAToken()
    {
        using var http = app.Http();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task Metrics_ShowRoomsParticipantsAndConsultationsByState()
    {
        var id = await app.CreateAppointmentAsync("pr-1", "pa-1");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-1", "practitioner"));
        await practitioner.InvokeAsync<RoomView>("Join", id.Value);
        await app.SweepAsync();
        using var http = app.Http();

        var text = await Eventually.ValueAsync(() => http.GetStringAsync("/metrics"),
            t => Regex.IsMatch(t, @"telehealth_rooms_open(\{[^}]*\})? 1"), "the rooms gauge at 1");

        Assert.Matches(@"telehealth_rooms_open(\{[^}]*\})? 1", text);
        Assert.Matches(@"telehealth_participants_connected(\{[^}]*\})? 1", text);
        Assert.Matches(@"telehealth_consultations\{[^}]*state=""open""[^}]*\} 1", text);
        Assert.Matches(@"telehealth_media_sessions(\{[^}]*\})? 0", text);
        Assert.Contains("telehealth_media_rtp_forwarded", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevTokens_WhenEnabled_IssueTokensTheApiAccepts()
    {
        using var http = app.Http();
        var response = await http.PostAsJsonAsync("/dev/tokens", new { sub = "s-9", role = "scheduler" });
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        using var scheduler = app.Http(token);

        var missing = await scheduler.GetAsync($"/api/appointments/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var badRole = await http.PostAsJsonAsync("/dev/tokens", new { sub = "x", role = "admin" });
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
    }
}
