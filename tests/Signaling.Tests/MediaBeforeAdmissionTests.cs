using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Doctolib.Telehealth.Signaling.Tests;

/// <summary>Someone in the waiting room may not publish: media from there would never be relayed, and must never
/// count as live media.</summary>
public sealed class MediaBeforeAdmissionTests : IAsyncLifetime
{
    private TelehealthApp app = null!;

    public async Task InitializeAsync() => app = await TelehealthApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task SendOfferAndSendAnswer_FromTheWaitingRoom_AreRefusedAsNotAdmitted()
    {
        var id = await app.CreateAppointmentAsync("pr-wo", "pa-wo");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-wo", "practitioner"));
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-wo", "patient"));
        await practitioner.InvokeAsync<RoomView>("Join", id.Value);
        var view = await patient.InvokeAsync<RoomView>("Join", id.Value);
        Assert.Equal(ParticipantState.Waiting, view.MyState);

        var offer = await Assert.ThrowsAsync<HubException>(() => patient.InvokeAsync<string>("SendOffer", id.Value, "v=0\r\n"));
        var answer = await Assert.ThrowsAsync<HubException>(() => patient.InvokeAsync("SendAnswer", id.Value, "v=0\r\n"));

        Assert.Contains("urn:telehealth:problem:not-admitted", offer.Message, StringComparison.Ordinal);
        Assert.Contains("urn:telehealth:problem:not-admitted", answer.Message, StringComparison.Ordinal);
        var admitted = await practitioner.InvokeAsync<RoomView>("Admit", id.Value, "pa-wo");
        Assert.Equal(ConsultationState.InProgress, admitted.ConsultationState);
        var afterAdmission = await Assert.ThrowsAsync<HubException>(() => patient.InvokeAsync<string>("SendOffer", id.Value, "v=0\r\n"));
        Assert.Contains("urn:telehealth:problem:invalid-sdp", afterAdmission.Message, StringComparison.Ordinal);
    }
}
