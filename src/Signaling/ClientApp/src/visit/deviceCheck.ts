import { h, replace, focusHeading } from "../shared/dom";
import { T, t, onLanguageChange } from "../shared/i18n";
import { DeviceError, LevelMeter, listDevices, openDevices, stopStream, type DeviceProblem } from "../call/devices";

/**
 * The device check before joining: camera preview, microphone level, camera and microphone choice, and a plain
 * explanation of what to do when the browser refuses or finds no device. Resolves with the chosen stream.
 */
export function deviceCheck(container: HTMLElement, joinLabel: Parameters<typeof T>[1]): Promise<MediaStream> {
  return new Promise((resolve) => {
    let stream: MediaStream | null = null;
    const preview = h("video", { class: "preview", autoplay: true, muted: true, playsinline: true, "data-testid": "preview" });
    const meterBar = h("div", { class: "meter-bar" });
    const meter = h("div", { class: "meter", role: "meter", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": 0, "data-testid": "mic-meter" }, meterBar);
    const level = new LevelMeter((value) => {
      meterBar.style.width = `${value}%`;
      meter.setAttribute("aria-valuenow", String(value));
    });
    meter.setAttribute("aria-label", t("device.micLevel"));
    const cameraSelect = h("select", { id: "camera-select", "data-testid": "camera-select" });
    const micSelect = h("select", { id: "mic-select", "data-testid": "mic-select" });
    const message = h("div", { class: "device-message", role: "alert", "data-testid": "device-message" });
    const retry = h("button", { type: "button", class: "secondary", hidden: true, "data-testid": "device-retry", onclick: () => void open() }, T("span", "device.retry"));
    const join = h("button", { type: "button", class: "primary", disabled: true, "data-testid": "join" }, T("span", joinLabel));
    let problem: DeviceProblem | null = null;

    const showProblem = () => {
      if (!problem) {
        replace(message);
        message.hidden = true;
        return;
      }
      message.hidden = false;
      replace(message, T("strong", `device.problem.${problem}.title`), T("p", `device.problem.${problem}.help`));
    };
    onLanguageChange(showProblem);

    async function fillSelects(): Promise<void> {
      const { cameras, microphones } = await listDevices();
      const current = (kind: "video" | "audio") => stream?.getTracks().find((tr) => tr.kind === kind)?.getSettings().deviceId;
      const fill = (select: HTMLSelectElement, devices: MediaDeviceInfo[], chosen: string | undefined, fallback: "device.camera" | "device.microphone") => {
        replace(select, ...devices.map((d, i) => h("option", { value: d.deviceId, selected: d.deviceId === chosen }, d.label || `${t(fallback)} ${i + 1}`)));
        select.disabled = devices.length < 2;
      };
      fill(cameraSelect, cameras, current("video"), "device.camera");
      fill(micSelect, microphones, current("audio"), "device.microphone");
    }

    async function open(cameraId?: string, micId?: string): Promise<void> {
      level.detach();
      stopStream(stream);
      stream = null;
      join.disabled = true;
      try {
        stream = await openDevices(cameraId, micId);
        problem = null;
        preview.srcObject = stream;
        level.attach(stream);
        await fillSelects();
        join.disabled = false;
        retry.hidden = true;
      } catch (error) {
        problem = error instanceof DeviceError ? error.problem : "other";
        retry.hidden = false;
        preview.srcObject = null;
        cameraSelect.disabled = true;
        micSelect.disabled = true;
      }
      showProblem();
    }

    cameraSelect.addEventListener("change", () => void open(cameraSelect.value, micSelect.value));
    micSelect.addEventListener("change", () => void open(cameraSelect.value, micSelect.value));
    join.addEventListener("click", () => {
      if (!stream) return;
      level.detach();
      resolve(stream);
    });

    replace(container, h("section", { class: "card device-check", "aria-labelledby": "device-title" },
      T("h1", "device.title", { id: "device-title" }),
      T("p", "device.intro", { class: "lead" }),
      h("div", { class: "device-grid" },
        h("div", { class: "preview-frame" }, preview),
        h("div", { class: "device-controls" },
          h("div", { class: "field" }, T("label", "device.camera", { for: "camera-select" }), cameraSelect),
          h("div", { class: "field" }, T("label", "device.microphone", { for: "mic-select" }), micSelect),
          h("div", { class: "field" }, T("span", "device.micLevel", { class: "label" }), meter, T("p", "device.speak", { class: "hint" })),
          message, retry)),
      h("div", { class: "actions" }, join)));
    message.hidden = true;
    focusHeading(container);
    void open();
  });
}
