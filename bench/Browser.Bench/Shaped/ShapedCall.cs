using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Doctolib.Telehealth.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace Doctolib.Telehealth.Browser.Bench.Shaped;

/// <summary>Who a limit applies to.</summary>
internal enum Party
{
    Patient,
    Practitioner,
    Guest,
}

/// <summary>One limit of a shaping: a party's uplink or downlink at N kbit.</summary>
internal sealed record PartyLimit(Party Party, ShapedDirection Direction, int Kbit);

/// <summary>One call under one shaping, relayed (through the server) or direct (page to page), sampled for 40 s from the
/// moment the shaping starts. With <see cref="LiftAt"/>, the limits are removed at that second.</summary>
internal sealed class ShapedCall(IBrowser browser, string baseUrl, HttpClient http, string script, string signalr)
{
    public const double Duration = 40;
    // The hub events that tell a page its video is paused / resumed (issue 12, audio-only fallback); their names can be
    // set until the server's are settled. A page listening for an event the server never sends loses nothing.
    private static readonly string PauseEvent = Environment.GetEnvironmentVariable("BENCH_PAUSE_EVENT") ?? "VideoPaused";
    private static readonly string ResumeEvent = Environment.GetEnvironmentVariable("BENCH_RESUME_EVENT") ?? "VideoResumed";

    public double? LiftAt { get; init; }

    /// <summary>Runs the call and returns each party's timeline and its own stream id (how others key what they receive).</summary>
    /// <summary>In a room of three, each page sends one video layer (as the project's pages do) instead of three
    /// simulcast layers.</summary>
    public bool OneLayer { get; init; }

    public async Task<Dictionary<Party, (Timeline Timeline, string StreamId)>> RunAsync(bool relayed, bool threeParty, IReadOnlyList<PartyLimit> limits)
    {
        var pages = new Dictionary<Party, IPage>();
        try
        {
            foreach (var party in threeParty ? new[] { Party.Practitioner, Party.Patient, Party.Guest } : [Party.Practitioner, Party.Patient])
            {
                pages[party] = await PageAsync();
            }
            if (relayed)
            {
                await JoinThroughServerAsync(pages, threeParty);
            }
            else
            {
                await pages[Party.Patient].EvaluateAsync("() => shapedLocal()");
                await pages[Party.Practitioner].EvaluateAsync("() => shapedLocal()");
                var offer = await pages[Party.Patient].EvaluateAsync<string>("() => shapedOffer()");
                var answer = await pages[Party.Practitioner].EvaluateAsync<string>("sdp => shapedAnswer(sdp)", offer);
                await pages[Party.Patient].EvaluateAsync("sdp => shapedAccept(sdp)", answer);
            }
            var streams = new Dictionary<Party, string>();
            foreach (var (party, page) in pages)
            {
                streams[party] = await page.EvaluateAsync<string>("() => window.shaped.streamId");
            }
            await WaitDecodingAsync(pages);
            await using var shaper = await NetworkShaper.StartAsync(CancellationToken.None);
            foreach (var limit in limits)
            {
                var port = await LocalPortAsync(pages[limit.Party]);
                await shaper.LimitAsync(port, limit.Direction, limit.Kbit, CancellationToken.None);
            }
            var timelines = pages.ToDictionary(p => p.Key, p => new Timeline(p.Key.ToString()));
            var clock = Stopwatch.StartNew();
            var lifted = false;
            while (clock.Elapsed.TotalSeconds <= Duration + 0.25)
            {
                if (LiftAt is { } lift && !lifted && clock.Elapsed.TotalSeconds >= lift)
                {
                    await shaper.RemoveAllAsync(CancellationToken.None);
                    lifted = true;
                }
                foreach (var (party, page) in pages)
                {
                    var json = await page.EvaluateAsync<JsonElement>("() => shapedSample()");
                    timelines[party].Add(ShapedSample.From(clock.Elapsed.TotalSeconds, json));
                }
                var next = TimeSpan.FromMilliseconds(500 * (Math.Floor(clock.Elapsed.TotalMilliseconds / 500) + 1)) - clock.Elapsed;
                if (next > TimeSpan.Zero)
                {
                    await Task.Delay(next);
                }
            }
            return pages.ToDictionary(p => p.Key, p => (timelines[p.Key], streams[p.Key]));
        }
        finally
        {
            foreach (var page in pages.Values)
            {
                await page.Context.CloseAsync();
            }
        }
    }

    private async Task<IPage> PageAsync()
    {
        // BypassCSP: the pages are the server's /healthz with the bench's scripts added, which its Content-Security-Policy forbids.
        var page = await (await browser.NewContextAsync(new() { BypassCSP = true })).NewPageAsync();
        await page.GotoAsync(baseUrl + "/healthz");
        await page.AddScriptTagAsync(new() { Path = signalr });
        await page.AddScriptTagAsync(new() { Content = script });
        return page;
    }

    private async Task JoinThroughServerAsync(Dictionary<Party, IPage> pages, bool threeParty)
    {
        var appointment = Guid.NewGuid();
        var id = appointment.ToString();
        var suffix = appointment.ToString("N")[..8];
        var practitionerId = "bench-pr-" + suffix;
        var patientId = "bench-pa-" + suffix;
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/appointments/{id}"))
        {
            put.Headers.Authorization = new("Bearer", await TokenAsync("bench-scheduler", "scheduler"));
            put.Content = JsonContent.Create(new
            {
                practitionerId, patientId, startsAt = DateTimeOffset.UtcNow, durationMinutes = 30,
                price = new { amount = 2500, currency = "EUR" }, payer = new { type = "third_party", insurerReference = "bench" },
            });
            (await http.SendAsync(put)).EnsureSuccessStatusCode();
        }
        var join = "a => shapedRelay(a)";
        await pages[Party.Practitioner].EvaluateAsync(join, new { token = await TokenAsync(practitionerId, "practitioner"), id, me = practitionerId, pauseEvent = PauseEvent, resumeEvent = ResumeEvent, simulcast = threeParty && !OneLayer });
        await pages[Party.Practitioner].EvaluateAsync("() => shapedPublish()");
        await pages[Party.Patient].EvaluateAsync(join, new { token = await TokenAsync(patientId, "patient"), id, me = patientId, pauseEvent = PauseEvent, resumeEvent = ResumeEvent, simulcast = threeParty && !OneLayer });
        await pages[Party.Practitioner].EvaluateAsync("([id, who]) => window.hub.invoke('Admit', id, who)", new object[] { id, patientId });
        await PublishOnceAdmittedAsync(pages[Party.Patient]);
        if (!threeParty)
        {
            return;
        }
        await WaitDecodingAsync(pages.Where(p => p.Key != Party.Guest).ToDictionary());
        var invitation = await pages[Party.Practitioner].EvaluateAsync<JsonElement>("id => window.hub.invoke('Invite', id)", id);
        await pages[Party.Guest].EvaluateAsync(join, new { token = invitation.GetProperty("token").GetString(), id, me = invitation.GetProperty("participantId").GetString(), pauseEvent = PauseEvent, resumeEvent = ResumeEvent, simulcast = threeParty && !OneLayer });
        await pages[Party.Practitioner].EvaluateAsync("([id, who]) => window.hub.invoke('Admit', id, who)",
            new object[] { id, invitation.GetProperty("participantId").GetString()! });
        await PublishOnceAdmittedAsync(pages[Party.Guest]);
    }

    /// <summary>Admission reaches the room asynchronously: retry the offer (10 s at most) while the server still says
    /// not-admitted.</summary>
    private static async Task PublishOnceAdmittedAsync(IPage page)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await page.EvaluateAsync("() => shapedPublish()");
                return;
            }
            catch (PlaywrightException e) when (e.Message.Contains("not-admitted", StringComparison.Ordinal) && attempt < 40)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Waits (60 s at most) until every page decodes video from every other page.</summary>
    private static async Task WaitDecodingAsync(Dictionary<Party, IPage> pages)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        foreach (var (party, page) in pages)
        {
            while (true)
            {
                var sample = ShapedSample.From(0, await page.EvaluateAsync<JsonElement>("() => shapedSample()"));
                if (sample.Video.Values.Count(v => v.Frames > 0) >= pages.Count - 1)
                {
                    break;
                }
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"The {party}'s page did not decode video from the {pages.Count - 1} others within 60 s.");
                }
                await Task.Delay(250);
            }
        }
    }

    private static async Task<int> LocalPortAsync(IPage page)
    {
        var sample = ShapedSample.From(0, await page.EvaluateAsync<JsonElement>("() => shapedSample()"));
        return sample.LocalPort ?? throw new InvalidOperationException("The page has no selected candidate pair to read its UDP port from.");
    }

    private async Task<string> TokenAsync(string sub, string role)
    {
        var response = await http.PostAsJsonAsync("/dev/tokens", new { sub, role });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }
}
