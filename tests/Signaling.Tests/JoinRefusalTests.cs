using System.Net;
using System.Net.Http.Json;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Doctolib.Telehealth.Signaling.Tests;

public sealed class JoinRefusalTests : IAsyncLifetime
{
    private TelehealthApp app = null!;

    public async Task InitializeAsync() => app = await TelehealthApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Join_BeforeTheWindow_IsRefusedAsTooEarly()
    {
        var id = await app.CreateAppointmentAsync("pr-1", "pa-1", startsAt: app.Time.GetUtcNow().AddHours(2));
        await AssertJoinRefusedAsync(id, app.Tokens.Issue("pa-1", "patient"), "too-early");
    }

    [Fact]
    public async Task Join_AfterTheWindow_IsRefusedAsTooLate()
    {
        var id = await app.CreateAppointmentAsync("pr-1", "pa-1", startsAt: app.Time.GetUtcNow().AddHours(-3));
        await AssertJoinRefusedAsync(id, app.Tokens.Issue("pa-1", "patient"), "too-late");
    }

    [Fact]
    public async Task Join_ByAnotherPatient_IsRefusedAsNotThePatient()
    {
        var id = await app.CreateAppointmentAsync("pr-1", "pa-1");
        await AssertJoinRefusedAsync(id, app.Tokens.Issue("pa-other", "patient"), "not-the-patient");
    }

    [Fact]
    public async Task Join_ByThePractitionerOfAnotherAppointment_IsRefusedAsNotThePractitioner()
    {
        var id = await app.CreateAppointmentAsync("pr-1", "pa-1");
        await app.CreateAppointmentAsync("pr-2", "pa-2");
        await AssertJoinRefusedAsync(id, app.Tokens.Issue("pr-2", "practitioner"), "not-the-practitioner");
    }

    [Fact]
    public async Task Join_ByABillingUser_IsRefusedAtTheHubDoor()
    {
        using var http = app.Http(app.Tokens.Issue("b-1", "billing"));
        var response = await http.PostAsync("/hubs/consultation/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Join_OfACancelledAppointment_IsRefused()
    {
        var id = await app.CreateAppointmentAsync("pr-1", "pa-1");
        using var scheduler = app.Http(app.Tokens.Issue("s-1", "scheduler"));
        Assert.Equal(HttpStatusCode.NoContent, (await scheduler.DeleteAsync($"/api/appointments/{id}")).StatusCode);
        await AssertJoinRefusedAsync(id, app.Tokens.Issue("pa-1", "patient"), "appointment-cancelled");
    }

    [Fact]
    public async Task Join_OfAnUnknownAppointment_IsRefusedAsNotFound()
    {
        await AssertJoinRefusedAsync(new AppointmentId(Guid.NewGuid()), app.Tokens.Issue("pa-1", "patient"), "appointment-not-found");
    }

    [Fact]
    public async Task Join_AfterTheEnd_IsRefusedAsEnded()
    {
        var id = await app.CreateAppointmentAsync("pr-1", "pa-1");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-1", "practitioner"));
        await practitioner.InvokeAsync<RoomView>("Join", id.Value);
        await practitioner.InvokeAsync("End", id.Value, false, "patient did not come");
        await AssertJoinRefusedAsync(id, app.Tokens.Issue("pa-1", "patient"), "consultation-ended");
    }

    [Fact]
    public async Task Hub_WithoutToken_IsRefusedAsTokenMissing()
    {
        using var http = app.Http();
        var response = await http.PostAsync("/hubs/consultation/negotiate?negotiateVersion=1", null);
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "token-missing");
    }

    [Fact]
    public async Task Hub_WithAnExpiredToken_IsRefusedAsTokenExpired()
    {
        using var http = app.Http();
        var token = app.Tokens.Expired("pa-1", "patient");
        var response = await http.PostAsync($"/hubs/consultation/negotiate?negotiateVersion=1&access_token={token}", null);
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "token-expired");
    }

    [Fact]
    public async Task Hub_WithATokenSignedByAnotherKey_IsRefusedAsTokenInvalid()
    {
        using var http = app.Http();
        var forged = new TokenFactory(Convert.ToBase64String(new byte[32])).Issue("pa-1", "patient");
        var response = await http.PostAsync($"/hubs/consultation/negotiate?negotiateVersion=1&access_token={forged}", null);
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "token-invalid");
    }

    [Fact]
    public async Task Hub_WithAValidQueryToken_Negotiates()
    {
        using var http = app.Http();
        var response = await http.PostAsync($"/hubs/consultation/negotiate?negotiateVersion=1&access_token={app.Tokens.Issue("pa-1", "patient")}", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task AssertJoinRefusedAsync(AppointmentId id, string token, string code)
    {
        var connection = await app.ConnectAsync(token);
        var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<RoomView>("Join", id.Value).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains($"urn:telehealth:problem:{code}:", error.Message, StringComparison.Ordinal);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        Assert.Equal($"urn:telehealth:problem:{code}", problem!["type"].ToString());
    }
}
