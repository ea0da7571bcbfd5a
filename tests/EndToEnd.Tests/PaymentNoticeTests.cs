using Doctolib.Telehealth.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Doctolib.Telehealth.EndToEnd.Tests;

/// <summary>What patient and practitioner are told when the card authorisation at admission does not simply pass.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PaymentNoticeTests(BrowserWorld world) : BrowserTest(world.Contexts)
{
    [Fact]
    public async Task Admission_CardDeclined_PractitionerSeesClearSignAndPatientIsTold()
    {
        var (patient, practitioner) = await AdmittedAsync("pr-declined", "pa-declined", "pm_card_decline");

        await Expect(practitioner.GetByTestId("payment-declined").First).ToBeVisibleAsync();
        await Expect(practitioner.GetByTestId("payment-declined").First).ToContainTextAsync("declined");
        await Expect(patient.GetByTestId("payment-declined")).ToBeVisibleAsync();
        await BrowserWorld.ScreenshotAsync(practitioner, "payment-01-practitioner-declined");
        await BrowserWorld.ScreenshotAsync(patient, "payment-02-patient-declined");
        await patient.Context.CloseAsync();
        await practitioner.Context.CloseAsync();
    }

    [Fact]
    public async Task Admission_BankAsksFor3DSecure_PatientIsAskedToConfirm()
    {
        var (patient, practitioner) = await AdmittedAsync("pr-3ds", "pa-3ds", "pm_card_authenticationRequired");

        await Expect(patient.GetByTestId("payment-action")).ToBeVisibleAsync();
        await Expect(patient.GetByTestId("payment-action")).ToContainTextAsync("confirm the payment");
        await Expect(practitioner.GetByTestId("payment-action").First).ToBeVisibleAsync();
        await BrowserWorld.ScreenshotAsync(patient, "payment-03-patient-3ds");

        await patient.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Confirm the payment" }).ClickAsync();
        await Expect(patient.GetByTestId("payment-authorized")).ToBeVisibleAsync();
        await Expect(patient.GetByTestId("payment-authorized")).ToContainTextAsync("Payment authorised");
        await Expect(patient.GetByTestId("payment-action")).ToHaveCountAsync(0);
        await Expect(practitioner.GetByTestId("payment-authorized").First).ToBeVisibleAsync();
        await Expect(practitioner.GetByTestId("payment-authorized").First).ToContainTextAsync("Payment authorised");
        await Expect(practitioner.GetByTestId("payment-action")).ToHaveCountAsync(0);
        await BrowserWorld.ScreenshotAsync(patient, "payment-04-patient-3ds-confirmed");
        await patient.Context.CloseAsync();
        await practitioner.Context.CloseAsync();
    }

    private async Task<(IPage Patient, IPage Practitioner)> AdmittedAsync(string practitionerId, string patientId, string paymentMethod)
    {
        var appointment = await world.CreateAppointmentAsync(practitionerId, patientId, "Inès Moreau", paymentMethod);
        var patient = await world.NewPersonAsync();
        var practitioner = await world.NewPersonAsync();
        await Visit.OpenAsync(patient, $"/visit/{appointment}", await world.TokenAsync(patientId, "patient"));
        await Visit.PassDeviceCheckAsync(patient);
        await Expect(patient.GetByTestId("waiting-room")).ToBeVisibleAsync();
        await Visit.OpenAsync(practitioner, "/practitioner", await world.TokenAsync(practitionerId, "practitioner"));
        await practitioner.Locator($"[data-appointment='{appointment}']").GetByTestId("admit").ClickAsync();
        await Expect(patient.GetByTestId("remote-stage")).ToBeVisibleAsync();
        return (patient, practitioner);
    }
}
