// Validates castbook's caption exports with independent parsers: `transcript.vtt`
// with webvtt-parser (the W3C WebVTT parsing algorithm, strict: any parser error
// fails) and `transcript.srt` with srt-parser-2, plus the structural rules SubRip
// players rely on. Prints one JSON summary line (`SUMMARY {...}`) for the Rust test.
//
// usage: node captions.mjs <transcript.vtt> <transcript.srt>

import { readFileSync } from 'node:fs';
import webvtt from 'webvtt-parser';
import SrtParser from 'srt-parser-2';
import { Checks } from './lib.mjs';

const [vttPath, srtPath] = process.argv.slice(2);
if (!vttPath || !srtPath) {
  console.error('usage: node captions.mjs <transcript.vtt> <transcript.srt>');
  process.exit(2);
}
const checks = new Checks('captions');

// WebVTT: no parser errors, every cue timed forward, starts in order, a voice span.
const vttText = readFileSync(vttPath, 'utf8');
const vtt = new webvtt.WebVTTParser().parse(vttText, 'subtitles/captions/descriptions');
checks.eq(vtt.errors.length, 0, 'WebVTT parses without errors');
for (const e of vtt.errors.slice(0, 5)) console.log(`  line ${e.line}:${e.col}: ${e.message}`);
let prevStart = -1;
let badTiming = 0;
let noVoice = 0;
for (const cue of vtt.cues) {
  if (!(cue.endTime > cue.startTime) || cue.startTime < prevStart) badTiming += 1;
  prevStart = cue.startTime;
  if (!cue.tree || !cue.tree.children.some((n) => n.type === 'object' && n.name === 'v')) noVoice += 1;
}
checks.eq(badTiming, 0, 'WebVTT cues end after they start, starts never go back');
checks.eq(noVoice, 0, 'every WebVTT cue has a <v Speaker> voice span');

// SubRip: sequential numbers, forward timing in order, at most 2 lines of at most
// 32 characters (the podcast namespace's recommendation for SRT captions).
const srtText = readFileSync(srtPath, 'utf8');
const srt = new SrtParser().fromSrt(srtText);
const blocks = srtText.split(/\r?\n\r?\n/).filter((b) => b.trim() !== '').length;
checks.eq(srt.length, blocks, 'srt-parser-2 reads every SubRip block');
let badIds = 0;
let badSrtTiming = 0;
let tooLong = 0;
prevStart = -1;
srt.forEach((line, i) => {
  if (line.id !== String(i + 1)) badIds += 1;
  if (!(line.endSeconds > line.startSeconds) || line.startSeconds < prevStart) badSrtTiming += 1;
  prevStart = line.startSeconds;
  const lines = line.text.split('\n');
  if (lines.length > 2 || lines.some((l) => [...l].length > 32) || line.text.trim() === '') tooLong += 1;
});
checks.eq(badIds, 0, 'SubRip cues are numbered 1, 2, 3, …');
checks.eq(badSrtTiming, 0, 'SubRip cues end after they start, starts never go back');
checks.eq(tooLong, 0, 'SubRip cues have 1–2 lines of at most 32 characters');

console.log(
  'SUMMARY ' +
    JSON.stringify({
      vttCues: vtt.cues.length,
      vttFirstStart: vtt.cues.length ? vtt.cues[0].startTime : null,
      srtCues: srt.length,
      srtFirstStart: srt.length ? srt[0].startSeconds : null,
    })
);
checks.finish();
