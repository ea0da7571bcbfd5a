using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Doctolib.Telehealth.Signaling.Tests;

/// <summary>PaymentStatusChanged goes to the patient with the client secret, to the practitioner without it, and to
/// nobody else in the room (an invited guest, admitted or waiting).</summary>
public sealed class PaymentNoticeRecipientsTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private TelehealthApp app = null!;

    public async Task InitializeAsync() => app = await TelehealthApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private sealed record Notice(string Status, string? Message, string? ClientSecret);

    private static List<Notice> Record(HubConnection connection, Guid appointmentId)
    {
        var seen = new List<Notice>();
        connection.On<Guid, string, string?, string?>("PaymentStatusChanged", (id, status, message, secret) =>
        {
            if (id == appointmentId)
            {
                lock (seen)
                {
                    seen.Add(new Notice(status, message, secret));
                }
            }
        });
        return seen;
    }

    private static Task<Notice> SeenAsync(List<Notice> seen, string status, string who) =>
        Eventually.ValueAsync(() =>
        {
            lock (seen)
            {
                return Task.FromResult(seen.Find(n => n.Status == status));
            }
        }, n => n is not null, $"{who} told '{status}'", (int)Timeout.TotalMilliseconds)!;

    [Fact]
    public async Task RequiresActionAndRelease_ReachThePatientWithTheSecret_ThePractitionerWithout_TheGuestNot()
    {
        var id = await app.CreateAppointmentAsync("pr-pn", "pa-pn",
            payer: new { type = "card", stripeCustomerId = "cus_pn", paymentMethodId = "pm_card_authenticationRequired" });
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-pn", "practitioner"));
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-pn", "patient"));
        var toPractitioner = Record(practitioner, id.Value);
        var toPatient = Record(patient, id.Value);
        await practitioner.InvokeAsync<RoomView>("Join", id.Value);
        var link = await practitioner.InvokeAsync<InvitationLinkDto>("Invite", id.Value);
        var guest = await app.ConnectAsync(link.Token);
        var toGuest = Record(guest, id.Value);
        await guest.InvokeAsync<RoomView>("Join", id.Value);
        await patient.InvokeAsync<RoomView>("Join", id.Value);

        await practitioner.InvokeAsync<RoomView>("Admit", id.Value, "pa-pn");
        await practitioner.InvokeAsync<RoomView>("Admit", id.Value, link.ParticipantId);

        var patientAction = await SeenAsync(toPatient, "requires_action", "the patient");
        var practitionerAction = await SeenAsync(toPractitioner, "requires_action", "the practitioner");
        Assert.False(string.IsNullOrEmpty(patientAction.ClientSecret));
        Assert.NotNull(patientAction.Message);
        Assert.Null(practitionerAction.ClientSecret);
        Assert.Null(practitionerAction.Message);

        await practitioner.InvokeAsync("End", id.Value, false, "technical problem");
        await SeenAsync(toPatient, "released", "the patient");
        var practitionerRelease = await SeenAsync(toPractitioner, "released", "the practitioner");
        Assert.Null(practitionerRelease.ClientSecret);
        lock (toPractitioner)
        {
            Assert.All(toPractitioner, n => Assert.Null(n.ClientSecret));
        }
        lock (toGuest)
        {
            Assert.Empty(toGuest);
        }
    }

    private sealed record InvitationLinkDto(string ParticipantId, string Url, string Token, DateTimeOffset ExpiresAt);
}
