using Doctolib.Telehealth.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Doctolib.Telehealth.EndToEnd.Tests;

/// <summary>A patient and a practitioner, each in their own browser, through a whole teleconsultation.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsultationFlowTests(BrowserWorld world) : BrowserTest(world.Contexts)
{
    [Fact]
    public async Task Consultation_PatientAndPractitioner_SeeEachOtherChatEndAndReceiptAppears()
    {
        var appointment = await world.CreateAppointmentAsync("pr-flow", "pa-flow", "Camille Martin", practitionerName: "Dr Alex Bernard");
        var patientToken = await world.TokenAsync("pa-flow", "patient");
        var practitionerToken = await world.TokenAsync("pr-flow", "practitioner");
        var patient = await world.NewPersonAsync();
        var practitioner = await world.NewPersonAsync();

        var patientConsole = await Visit.OpenAsync(patient, $"/visit/{appointment}", patientToken);
        Assert.DoesNotContain("token", patient.Url, StringComparison.Ordinal);
        await Visit.PassDeviceCheckAsync(patient, "flow-01-patient-device-check");
        await Expect(patient.GetByTestId("waiting-room")).ToBeVisibleAsync();
        await Expect(patient.GetByTestId("waiting-appointment")).ToContainTextAsync("Dr Alex Bernard");
        await BrowserWorld.ScreenshotAsync(patient, "flow-02-patient-waiting-room");

        var practitionerConsole = await Visit.OpenAsync(practitioner, "/practitioner", practitionerToken);
        Assert.DoesNotContain("token", practitioner.Url, StringComparison.Ordinal);
        var row = practitioner.Locator($"[data-appointment='{appointment}']");
        await Expect(row.GetByTestId("waiting-badge")).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync("Camille Martin");
        await BrowserWorld.ScreenshotAsync(practitioner, "flow-03-practitioner-patient-waiting");
        await row.GetByTestId("admit").ClickAsync();

        await Expect(practitioner.GetByTestId("call-panel")).ToBeVisibleAsync();
        await Expect(patient.GetByTestId("remote-stage")).ToBeVisibleAsync();
        await Visit.WaitDecodingAsync(patient);
        await Visit.WaitDecodingAsync(practitioner);
        await Expect(patient.GetByTestId("remote-video")).ToHaveCountAsync(1);
        await Expect(practitioner.GetByTestId("remote-video")).ToHaveCountAsync(1);
        await Expect(patient.Locator("h1#call-title")).ToBeVisibleAsync();
        await Expect(patient.GetByTestId("elapsed")).Not.ToHaveTextAsync("0:00");
        await Expect(patient.GetByLabel("Write a message")).ToBeVisibleAsync();

        await patient.GetByTestId("camera").ClickAsync();
        await Expect(practitioner.GetByTestId("remote-media-state")).ToContainTextAsync("Camera off");
        await patient.GetByTestId("camera").ClickAsync();
        await Expect(practitioner.GetByTestId("remote-media-state")).ToHaveCountAsync(0);

        await Visit.SendChatAsync(patient, "Bonjour docteur, je vous entends bien.");
        await Expect(practitioner.GetByTestId("chat-log")).ToContainTextAsync("Bonjour docteur, je vous entends bien.");
        await Visit.SendChatAsync(practitioner, "Parfait, commençons.");
        await Expect(patient.GetByTestId("chat-log")).ToContainTextAsync("Parfait, commençons.");
        await Task.Delay(TimeSpan.FromSeconds(3)); // longer than Billing:MinimumBillableSeconds of live media
        await BrowserWorld.ScreenshotAsync(patient, "flow-04-patient-call");
        await BrowserWorld.ScreenshotAsync(practitioner, "flow-05-practitioner-call");

        await practitioner.GetByTestId("end").ClickAsync();
        await Expect(practitioner.GetByTestId("end-dialog")).ToBeVisibleAsync();
        await BrowserWorld.ScreenshotAsync(practitioner, "flow-06-practitioner-end-dialog");
        await practitioner.GetByTestId("end-confirm").ClickAsync();

        await Expect(patient.GetByTestId("end-screen")).ToBeVisibleAsync();
        await Expect(practitioner.GetByTestId("call-ended")).ToBeVisibleAsync();
        await Expect(practitioner.GetByTestId("billing-outcome")).ToBeVisibleAsync();
        await Expect(patient.GetByTestId("receipt-link")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        await BrowserWorld.ScreenshotAsync(patient, "flow-07-patient-end-with-receipt");
        var receipt = await patient.EvaluateAsync<string>(
            "async () => (await fetch(document.querySelector('[data-testid=receipt-link]').href)).text()").WaitAsync(BrowserWorld.Step);
        Assert.Contains("Consultation receipt", receipt, StringComparison.Ordinal);
        Assert.Contains(appointment.ToString(), receipt, StringComparison.Ordinal);
        Assert.Contains("Dr Alex Bernard", receipt, StringComparison.Ordinal);
        await Expect(patient.GetByTestId("receipt-pdf")).ToBeVisibleAsync();

        Assert.DoesNotContain(patientConsole, line => line.Contains(patientToken, StringComparison.Ordinal));
        Assert.DoesNotContain(practitionerConsole, line => line.Contains(practitionerToken, StringComparison.Ordinal));
        await patient.Context.CloseAsync();
        await practitioner.Context.CloseAsync();
    }

    [Fact]
    public async Task DeviceCheck_CameraPermissionRefused_PatientIsToldWhatToDo()
    {
        var appointment = await world.CreateAppointmentAsync("pr-refused", "pa-refused", "Louis Bernard");
        var token = await world.TokenAsync("pa-refused", "patient");
        var patient = await world.NewPersonAsync(locale: "fr-FR", allowDevices: false);
        await patient.Context.AddInitScriptAsync("""
            // The browser's own answer when the person (or a site setting) blocks the camera: NotAllowedError.
            navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
            """);

        await Visit.OpenAsync(patient, $"/visit/{appointment}", token);

        var message = patient.GetByTestId("device-message");
        await Expect(message).ToBeVisibleAsync();
        await Expect(message).ToContainTextAsync("bloque la caméra");
        await Expect(message).ToContainTextAsync("Autoriser");
        await Expect(patient.GetByTestId("device-retry")).ToBeVisibleAsync();
        await Expect(patient.GetByTestId("join")).ToBeDisabledAsync();
        await BrowserWorld.ScreenshotAsync(patient, "refused-01-patient-fr");
        await patient.GetByTestId("lang-toggle").ClickAsync();
        await Expect(message).ToContainTextAsync("blocking the camera");
        await BrowserWorld.ScreenshotAsync(patient, "refused-02-patient-en");
        await patient.Context.CloseAsync();
    }

    [Fact]
    public async Task Invitation_ThirdParticipantJoinsAfterAdmission_EveryoneDecodesEveryone()
    {
        var appointment = await world.CreateAppointmentAsync("pr-invite", "pa-invite", "Nadia Haddad");
        var patient = await world.NewPersonAsync();
        var practitioner = await world.NewPersonAsync();
        var guest = await world.NewPersonAsync();

        await Visit.OpenAsync(patient, $"/visit/{appointment}", await world.TokenAsync("pa-invite", "patient"));
        await Visit.PassDeviceCheckAsync(patient);
        await Expect(patient.GetByTestId("waiting-room")).ToBeVisibleAsync();
        await Visit.OpenAsync(practitioner, "/practitioner", await world.TokenAsync("pr-invite", "practitioner"));
        await practitioner.Locator($"[data-appointment='{appointment}']").GetByTestId("admit").ClickAsync();
        await Visit.WaitDecodingAsync(practitioner);

        await practitioner.GetByTestId("invite").ClickAsync();
        var link = await practitioner.GetByTestId("invite-link").InputValueAsync().WaitAsync(BrowserWorld.Step);
        Assert.StartsWith($"{world.BaseAddress.ToString().TrimEnd('/')}/visit/{appointment}#token=", link, StringComparison.Ordinal);
        await BrowserWorld.ScreenshotAsync(practitioner, "invite-01-practitioner-link");
        await practitioner.Keyboard.PressAsync("Escape");

        var guestConsole = new List<string>();
        guest.Console += (_, m) => guestConsole.Add(m.Text);
        await guest.GotoAsync(link).WaitAsync(BrowserWorld.Step);
        Assert.DoesNotContain("token", guest.Url, StringComparison.Ordinal);
        await Visit.PassDeviceCheckAsync(guest);
        await Expect(guest.GetByTestId("waiting-room")).ToBeVisibleAsync();
        await Expect(practitioner.GetByTestId("admit-in-call")).ToBeVisibleAsync();
        await BrowserWorld.ScreenshotAsync(practitioner, "invite-02-practitioner-guest-waiting");
        await practitioner.GetByTestId("admit-in-call").ClickAsync();

        await Visit.WaitDecodingAsync(guest, streams: 2);
        await Visit.WaitDecodingAsync(practitioner, streams: 2);
        await Visit.WaitDecodingAsync(patient, streams: 2);
        await Expect(guest.GetByTestId("remote-video")).ToHaveCountAsync(2);
        await Expect(practitioner.GetByTestId("remote-video")).ToHaveCountAsync(2);
        await BrowserWorld.ScreenshotAsync(guest, "invite-03-guest-call");
        await guest.SetViewportSizeAsync(390, 844);
        await BrowserWorld.ScreenshotAsync(guest, "invite-05-guest-call-phone");
        await BrowserWorld.ScreenshotAsync(practitioner, "invite-04-practitioner-three-way");
        await guest.Context.CloseAsync();
        await patient.Context.CloseAsync();
        await practitioner.Context.CloseAsync();
    }

    [Fact]
    public async Task Reload_PatientReloadsDuringTheCall_MediaComesBackBothWays()
    {
        var appointment = await world.CreateAppointmentAsync("pr-reload", "pa-reload", "Hugo Lefèvre");
        var patient = await world.NewPersonAsync();
        var practitioner = await world.NewPersonAsync();
        await Visit.OpenAsync(patient, $"/visit/{appointment}", await world.TokenAsync("pa-reload", "patient"));
        await Visit.PassDeviceCheckAsync(patient);
        await Expect(patient.GetByTestId("waiting-room")).ToBeVisibleAsync();
        await Visit.OpenAsync(practitioner, "/practitioner", await world.TokenAsync("pr-reload", "practitioner"));
        await practitioner.Locator($"[data-appointment='{appointment}']").GetByTestId("admit").ClickAsync();
        await Visit.WaitDecodingAsync(patient);
        await Visit.WaitDecodingAsync(practitioner);

        await patient.ReloadAsync().WaitAsync(BrowserWorld.Step);

        Assert.DoesNotContain("token", patient.Url, StringComparison.Ordinal);
        await Expect(patient.GetByTestId("remote-stage")).ToBeVisibleAsync();
        await Visit.WaitDecodingAsync(patient);
        await Visit.WaitFramesGrowingAsync(practitioner);
        await Expect(practitioner.GetByTestId("remote-video")).ToHaveCountAsync(1);
        await BrowserWorld.ScreenshotAsync(patient, "reload-01-patient-back-in-call");
        await patient.Context.CloseAsync();
        await practitioner.Context.CloseAsync();
    }
}
