using Doctolib.Telehealth.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Doctolib.Telehealth.EndToEnd.Tests;

/// <summary>What the visit page says when it cannot let the person in: in their language, before the camera where it can
/// tell, with "Try again" only where trying again can work; and the page's security headers.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageRefusalTests(BrowserWorld world) : BrowserTest(world.Contexts)
{
    [Fact]
    public async Task TooEarly_InFrench_SaysWhenTheRoomOpensInFrenchWithAStrictPolicy()
    {
        var appointment = await world.CreateAppointmentAsync("pr-early", "pa-early", "Jeanne Petit", startsAt: DateTimeOffset.UtcNow.AddHours(3));
        var token = await world.TokenAsync("pa-early", "patient");
        var patient = await world.NewPersonAsync(locale: "fr-FR");
        IResponse? page = null;
        patient.Response += (_, response) =>
        {
            if (response.Url.Contains($"/visit/{appointment}", StringComparison.Ordinal))
            {
                page = response;
            }
        };
        await Visit.OpenAsync(patient, $"/visit/{appointment}", token);
        await Visit.PassDeviceCheckAsync(patient);
        var problem = patient.GetByTestId("join-problem");
        await Expect(problem).ToContainTextAsync("La salle de consultation ouvre à");
        Assert.DoesNotMatch("\\d{4}-\\d{2}-\\d{2}T", await problem.TextContentAsync() ?? "");
        await Expect(patient.GetByTestId("try-again")).ToBeVisibleAsync();
        await Expect(patient.Locator("h1")).ToHaveCountAsync(1);
        await Expect(patient).ToHaveTitleAsync("Vous ne pouvez pas encore entrer");

        Assert.NotNull(page);
        var headers = await page!.AllHeadersAsync();
        Assert.Contains("default-src 'self'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("no-referrer", headers["referrer-policy"]);
        Assert.False(headers.ContainsKey("server"));
        await patient.Context.CloseAsync();
    }

    [Fact]
    public async Task AnotherPatientsLink_IsRefusedBeforeTheCameraWithoutTryAgain()
    {
        var appointment = await world.CreateAppointmentAsync("pr-other", "pa-owner", "Paul Durand");
        var token = await world.TokenAsync("pa-stranger", "patient");
        var patient = await world.NewPersonAsync();
        await Visit.OpenAsync(patient, $"/visit/{appointment}", token);
        await Expect(patient.GetByTestId("join-problem")).ToHaveAttributeAsync("data-code", "not-the-patient");
        await Expect(patient.GetByTestId("join-problem")).ToContainTextAsync("another patient");
        await Expect(patient.GetByTestId("try-again")).ToHaveCountAsync(0);
        await Expect(patient.GetByTestId("join")).ToHaveCountAsync(0);
        await Expect(patient).ToHaveTitleAsync("You cannot join this consultation");
        await patient.Context.CloseAsync();
    }

    [Fact]
    public async Task DamagedLink_SaysTheLinkIsNotValid()
    {
        var appointment = await world.CreateAppointmentAsync("pr-damaged", "pa-damaged", "Rose Leroy");
        var token = await world.TokenAsync("pa-damaged", "patient");
        var damaged = token[..^4] + (token[^4] == 'A' ? "BBBB" : "AAAA");
        var patient = await world.NewPersonAsync();
        await Visit.OpenAsync(patient, $"/visit/{appointment}", damaged);
        await Expect(patient.GetByTestId("signed-out")).ToHaveAttributeAsync("data-problem", "invalid");
        await Expect(patient.Locator("h1")).ToHaveTextAsync("This link is not valid");
        await patient.Context.CloseAsync();
    }

    [Fact]
    public async Task Favicon_IsServed()
    {
        using var http = new HttpClient { BaseAddress = world.BaseAddress };
        using var response = await http.GetAsync("/favicon.ico").WaitAsync(BrowserWorld.Step);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
