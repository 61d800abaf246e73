/**
 * The keyword prefilter: one left-to-right pass over a text that finds every occurrence of every
 * rule keyword, so that each rule's regex only runs where one of its keywords is (or not at all),
 * and the regions where a run of digits long enough to be a card or phone number may be.
 *
 * Keywords are filed in a table of character pairs (as written, 7 bits each: a case-insensitive
 * keyword under every case variant, so the pass does no case folding). The pass reads one pair
 * every two characters and looks it up in a 16,384-entry byte table; on the few pairs that belong
 * to some keyword, the characters around the pair must fit too (bit masks of the character after
 * or before, and a 65,536-bit filter of both) before the candidates are compared. Each keyword is
 * filed under two adjacent pairs of it — whichever starts at an even position is the one read —
 * chosen as the rarest by measured pair frequencies of English and code, preferring pairs other
 * keywords are filed under already (read anyway). Cost is linear in the
 * text and nearly independent of the number of keywords; numeric regions are tracked from the
 * same table at no extra read.
 *
 * Keywords are ASCII (one- and two-character ones are filed under every pair they can end, which
 * costs more). A keyword in lowercase matches in any case; a keyword with an uppercase letter matches exactly as written (for case-significant
 * prefixes such as `SKa` or `AKIA`). An occurrence overlapping the previous occurrence of the same
 * keyword is not reported (a match from the first covers it).
 *
 * @module
 */

/** Case folding of ASCII; every other UTF-16 code unit folds to 0 (no keyword has one). */
const FOLD: Uint8Array = (() => {
  const t = new Uint8Array(65536);
  for (let c = 0; c < 128; c++) t[c] = c >= 65 && c <= 90 ? c + 32 : c;
  return t;
})();

/**
 * How common each pair of (case-folded) characters is in English prose and code: entries of two
 * characters and a hex digit w, for about 2^w occurrences per million pairs. Measured once on
 * this repository's sources and documentation and on an open-source scanner's Go code and docs;
 * pairs not listed are rarer (w < 5).
 */
const PAIR_FREQUENCIES =
  "  f\t\te\n\teindrederd\n dstdtedcod: desdond,\ndord, dendledsedt de dthd tc acatc" +
  'decitc",cs cric "cetcntc scngcmecalc cctic= c;\ncficeccexcndctrc rcnecedctoc' +
  "gecilc{\nc {c fclichecn cascomcanckecd croc =carc icractac--cssccecr cmacrtb" +
  "nsbs.blobrubeabutbiob);bulbunbpabisbtsb\n\nbcrb) b eburbidbcab obveb}\nbgibncb" +
  'pobrrbacb nb\t"beybpebchb pb }bctbnob (bicbagbsib//boubembmpb mb dbllb)\nbf b' +
  "()bt.b00bdiby b/ baib *b\trbodbrybumbe(bifbolb bb\t}bxxbamb ubfobowblsb wb lb" +
  'imbadbigbsob("bprb),brdblabe:aopaa as:anaaota `ahoatlatuaawaepahiadaatca},a' +
  'usaega.carna")aelavaahaaluaueanfamoamiaxtasca :a [aapaakarsaxpaquaefat(a.ta' +
  'waaptae"aokag aplabeaksa))arca.sa* ania":a:=a[]a..ao ah apia{ as"a.raofal a' +
  'frasaapsagsaooae.a katpar.as/a\t/ae,a`,a==afaa).afua"aaabatta hasuaewa\n}ag.a' +
  'clawoackaiead:a. atya.ea"sa${awia} adsat"a /an(as,auba**amma.madoairat:acca' +
  'osa/gapuashaoiac anuacmabyabla va})akiaiaawsaivaltanva> aeqa"\na.gaipaypam a' +
  'huaytan:9rg9ba9r(9l(9w 9sp9au9 19"t9rv9b.9 g9(r9ee9e)9e\n9s(9js9"g9vi9\n/9 -9' +
  '/\n9ei9t,9\tf9a-9ob9.p9d.9(t9/*9*/9.n9rm9" 9d"9og9/c9za9g{9m/9d(9n"9ms9\te9y"9' +
  's)9ev9]s9oc9` 9.\n9"c9ld9r)9sy9ui9md9(c9bo9pp9=>9td9209o.9ly9-a9\ti9wr9d)9ff9' +
  '/s9t)9av9; 9\ts9cu9ua9gt9./9 09.a9`)9".9iz9nk9109\ni9hr9\tt9.f9mb9(`9mu9\nf9r,9' +
  't_9go9(\n9wh9ov9ay9d,9e_9g(9n.9bu9ph9(s9}`9ys9.d9v/9p.9aa9ze9wl9(e9."9y_9np9' +
  '\t`9py9e-9{"9 !90-9s-9/v9 29\td9ez9"r9y:9k 9:"9";9 $9gm9fe9gn9zr9nl9x 9gr9rk9' +
  'we9gg90,9fl9v89\tc98/9ax9t-9tf9ht9/z90 9g"9yn9e/9.i9"d9029"}9,"9sk9\\n9yw9"f9' +
  ' |8uc8eo8!=8_c8s\n8\\"8up8.o8):8(a8c.8ib8dd8| 8 .8.l8rl8 +8-z8""8sw8dc8r"8"p8' +
  'h(8xa8lp8eb8_t8mn8_i8"i8(f8i 8ml8128db8 ?8-08- 8y(8328"n8f(8"e8]{8:/8?:8-98' +
  '-t8ga8ci8p 8wn8l"8h:8tm8 38d/8mt8248648ae8g,8x:8.j8({8n,8_m8ix8258"m8bs8"`8' +
  '] 8\tl8[a8c(8du8yi8"u8rp8bi8nn8df8],8"l8(?8xi8fc8_s8\ne8+ 8/a8bc8? 8r:8ud8cf8' +
  '_k8jo8-c8(i80)8.v8((8-s8`$8(p8018dr8dl8af8je8x(8n_8b 8xe8t\n8/t8sl8a"8 j8oa8' +
  'g)8ka8338y.8:\n8ij8 )8"-8(d8"b8*\n8)}8l_8g\n8([8rf8(h8tx8 <8568-r8["8s_8f.8:a8' +
  'd_8l)8a.8lc8tg8fg8-k8\t{8 &8(u8ft8238*c8sg8"]8gc8xf8"28438`c8ug8mc8x.8fy8e{8' +
  '\tk8m.8`s8fm8-"8gl8"o8ny8nm8/r8 q8\n)8nr8d-8kn8ym8508(m8.k8\\x8h"8408.w8ii8dh8' +
  'cp8-f8118h,8z08x"8gu8\tm8a_8n-8fp8cy80"8p"8\nc8_p7.b7_r7_"7e}7cd7\ta7"h7.07167' +
  'gh7sr7 \\7/.7hs7347{}7n)7h)7g/7f\\7(n7oe7])7.h7267y,7h.7-17l37"k7_f7uf7];7e`7' +
  '};7cs7/m7br7g;7tw7x_7i-7ox7%s7s`79]7 >7(b7dy73o7e<7 _70;7o"7m"7t/7-p78a7cg7' +
  '/e7# 71,7"\\7037-m7dm7vo7 y7l,7\'s7yo7r\n7d\n7z"7_a7(o7/b7&&7 z7`\n7/d7187\nd7e;7' +
  "1 7 '7vc7c27(l7f07sn7y-76-70z7807l\n7& 7}/7_b7787xo7/p7457bj7c/7i_7/u7_,7837" +
  '\tv7dk7307`"7d;7/f7\\.7w\n72,7-d7oj7/l7l.7 57ik7fd7e67dg7v 7sm7 47607bd7%37yl7' +
  '217357057gf7xm7157w-7t`7(17r;7a:7{r7087a174 7< 7lm7iq7"x7bf71)7/h7c37o_7_07' +
  '4"7147ej7427677ek76f7sd7x,7 %7``7zx7]*7yj7"w7-l72"7-27fs7tb7eu7pc7d27l:7k(7' +
  '417t{7ku79a7b-7-e7r_70470.7yr7b"7_n7:07b27\tp7||7067i)7(v7m(71a7yz74a7g:7i67' +
  '\n#7f17n\n7mv7[07ya7ju7`a7-i7377o:7c"7a37p(7s[7-]7="71"7zi7`(73a73-7bb7kf7w(7' +
  '657eh7`.7c17gz7dw7z.7s;7w.71f7}}7nj70975%7r-7n;7k"7pw75,7uz7o-7-u7907ln73c7' +
  'c47hb7n`7_l7"v7997e27]r7ye7`t7"17-47cj7 \t7sb7n/7d77+s7077)`7"+7e97t;7(!7sf7' +
  '<s7)"7367847y27[\n7297zs7-b7t87yc7g-7b/74c7??7 67yf7]\n7wd7227a67lr7\nt7b37fb7' +
  'p-7/)71-6zz6nz6zm6s}6++6pf62e69b6pd6v.6(06f"6x)60d6pb6f66`;6{h6y)6-g6-86t16' +
  "p:6{s6bm63.6g_6a/6b667d60c6tn6xn6@m6-w6dt6gp63161b6cb6~~6u 6sv6mf6##6896zw6" +
  'lv6 ]6lf6286/$6\\t6%26(w6fn6136tk6t06n\\6ja6mz62)6.#6v)6"/6dx60f6hm6wf6m_6r/6' +
  'xs6\tn6"06lb61c62a62v66,63,60:6hc6`-61.6{i6uu62.6wm60]6c-6:16446*r6716686766' +
  "d`6k.6dv64d6iw63b6bg6\\\\6kd62 6yh6e=6?i6jb6jh61e6lw6m:6(k6196lj6)?6hy60a6466" +
  'a86e56>\n6sq6486nb6a26-h6uo65c6"36a466i6.u6u06/i6o/6k:62d6v:6_u6_e6176f46{36' +
  "vz6_o6n26hn6g[6`l6866kl6xb6{16[s60}6p_60_6nw6/n67f6?.6vy6d56zc64)6{w6516-o6" +
  'p[6}"6-n6k-6ux64b6jk6oh68"69f63"6xl6mj6\tu6jp6 @6 x6-j6hp6rb6"j6386my6d16636' +
  "\t)6zd6qq6i.6bh63e62b6*t6jz6kb6:\\6ql6`[6546vu6a06wg6`m6276xr6:[6x-6zo6\n`6e06" +
  "6a6jl6lz6lg6966f76576y=6916\na6v16yb6616c966c65f6c66m,6}:6c)6)(6cw67,6d36xj6" +
  "706{p64}6`p6976]+65e6uv6ji6vm66e6z!6''6_h6y`6)[6az6nh65563f6736xv6_v6d>6{t6" +
  "r}6`i6s\\6926\tw6vl6y/6f-6i}6|\n6g]6:265-69.63d67e6`d6rw6 86r`6pm6-v6\"{6' 69c6" +
  '$`6626696t=61n6a)6{m6].6!a60b6b062f6wt6d46876zu6jc6tz6jr6xd66"6+=6p)6h}6h\n6' +
  'mg6.16l-6t>6dp62c6a\\68e67768c6796b46vr6uy6fq6zg6-x6b)66 6+)6dj60e65"6536hh6' +
  'b96f86946zn6fh64,65:6gv67b65b69d6a96b56"46e86yx6}\\6mk6`r6}]6d}6d86526yv6e16' +
  "-[6f36d06kc6fj6[\\6t]6(j6hd6.x6wx6c06\tb6y\n6h-6496dn6a56hf6d96b86jy6qi6_d6l`6" +
  " #6oy6n=6wy6h/6:467262-62}6lk6666:{6a,6d]6xc6n061d6jv6bp66d6wq6e'6b,6[i6w\"6" +
  '(g6s]6)\\6k_6kr6/w6hv68b6d66cn6zt6(26kt6{46kp6!f6e76e36xy6s16"%6bw6uw6hk6`e6' +
  "5d62t64-6n'6.)64768269e65a6jm6{{6i+6[{6i\"6bn68f6d<6bk6e?6{d6+\n6jj6v(6bt6zl6" +
  "w)6\\u6]?6mr6iu6m16vj63%6ww63v6 96t}6f)6r>6k)6816\n|6f_6756vn6lx6i165 6s?68,6" +
  '>"6"q6b_6gk60t6zy6p56f96vw67a6vd6w:63}6mh6p{6`g69861l6kz6jn6jf6xz6v,5c55935' +
  "lh5wk5kw5c856b5jq5vh5zj53n58 5n>5y;5>=5wp50m5aq5px5s05m254e5\\w5c75a75wj5tq5" +
  'pz5e[5p/5.y5_450x5\\/55t5__5f55ah5f25jw52n5855g>5pg5e>5}-5/"5<t51z5585595kg5' +
  "wv5qt5wu5ao5hz5vk5m55l/56)5[15e]5k,5`:5{f5tv5|a5b15e45c_5?p5mx5m)5`f5m-5ky5" +
  "n15yk5pq5qr5zq5745}{5s35}.5/k5f,5>`5yd54_5_[54f5pk5gx5zb5#l5% 56}5/o5km5hw5" +
  "m95gy5)+5v05iy5dq5hl5(q5]]5955p,51t5`\\50\n5't5-\n5*d5i:5vs5b75]b5zv5y55w15x}5" +
  'i/5{05.-5yu5vb5\\-5_ 5`n5]`5p\n5-q5fw53t5cx5xq52l5bq5j95"65w55=x52i5h;5`k5o\n5' +
  '{c5\\s59"52s5{25](5\nv5|(5uk5yy5kv5sx5`v5p<5s55+"51\n5vv5gw5nq5qs5i]5_g5t\'5t?5' +
  ")]5i,5/j5hq5^|5qa5qv5hj5kq5mw5qx5bz5@l5x`5[r5885'\"5|s5`j5</5uj5\tg5y35qz5q05" +
  'wz5"[5.q5"y5h_5|\\5fk5t\\5qw5"55/15i05zh5mq54m5t[5k\n5\\d5sj5a\n5\',5{`51:5\n{5jd5' +
  "0l53m5qk5kh50i5zf53 5{@51]5o,5b`5[-5`}5_.5\n-5ko5\\b51p5rx5rq5f:5x/58:5|/5:d5" +
  'n35.55v"59u5395=\\5wb5qd5r550n55m5rh5`b5h`58-5o(51;5`<5<=59 5[ 5.z5\nm5,25jt5' +
  "g15fv5sz5l25fz5,05n}5/^5l}5{e5>,52h5x05[^5)|5pn5vq52u5rj52m5o)5xh5kk5}[5-y5" +
  "`{50s5x85uh5rz5u15dz5pv5<v58)5{n5c:5r[5m`5=\n5<n5+;5]}5wc5][54t5\ns5\\\n5e\\5z_5" +
  '7c5u55vt5r35qy5qm51_5>(5x\n58.5/05-558}5|p5/%5y05r25jg5,`54.5q.5w,5"(5\\r5t|5' +
  "e|5.*55}5[_55n5kj5cq50o5{65.(5\\`5a|5r\\51m59y5cv5xk5,}5{55\to5vg5cz51h50y51w5" +
  'qn5tj5b(5{l5{v5gd5<a5"z59)5-35p95t25[[5.[59z58d5qg5zk5m05gj5y15qb5ih5nx56y5' +
  "`%5f]5c,5(65_q53)5r]5w_52%50k5z\n5d=5u_5{85zp5k153r5qf5($5(/5<p5\"'54:5:555)5" +
  "aj5/]5s|5g95k252r51o5l458q5\nk5=152/5}$5u.5-\\5hg5a`51y59:55.5['5/x5*a5:n5_-5" +
  ";`5h053j5bv5v45u25qo56m5(x5>;5b[5/\\5+/5d+5r'5(\\5d{5>>5z]5{\\53:5/250/5'\n5\nl5" +
  "3/5x15[g5t65gb59-5/>5u+50v51q54y5vx5";

const PAIR_WEIGHT: Uint8Array = (() => {
  const t = new Uint8Array(1 << 14).fill(4);
  for (let i = 0; i + 2 < PAIR_FREQUENCIES.length; i += 3) {
    const a = PAIR_FREQUENCIES.charCodeAt(i);
    const b = PAIR_FREQUENCIES.charCodeAt(i + 1);
    if (a < 128 && b < 128) t[(a << 7) | b] = parseInt(PAIR_FREQUENCIES[i + 2], 16);
  }
  return t;
})();

function pairCost(a: number, b: number): number {
  return 2 ** PAIR_WEIGHT[(a << 7) | b];
}

/**
 * Cost of the pair at `i` of keyword `kw`: its frequency. A case-sensitive pair with an
 * uppercase letter is rarer than its folded frequency says.
 */
function pairCostIn(kw: string, i: number, exact: boolean): number {
  const weight = exact && (/[A-Z]/.test(kw[i]) || /[A-Z]/.test(kw[i + 1])) ? 1 / 8 : 1;
  return pairCost(FOLD[kw.charCodeAt(i)], FOLD[kw.charCodeAt(i + 1)]) * weight;
}

/** True when a proper prefix of `kw` is also its suffix (`aaaa`, `abab`): occurrences overlap. */
function selfOverlapping(kw: string): boolean {
  for (let i = 1; i < kw.length; i++) if (kw.startsWith(kw.slice(i))) return true;
  return false;
}

/**
 * Improves the pairs chosen per keyword (`chosen`: offset of the first of two, -1 for short
 * keywords) where keywords can share them: a pair another keyword is filed under is read
 * anyway, so filing under it costs nothing more. Each keyword in turn moves to the offset whose
 * pairs add the least frequency not already paid for, until nothing moves (a few rounds).
 * Keywords whose occurrences can overlap keep their first choice: which of two overlapping
 * occurrences is reported depends on the pairs read.
 */
function shareFiledPairs(
  keywords: readonly string[],
  exact: Uint8Array,
  chosen: Int32Array,
): void {
  // Pairs keyed as read when exact, folded otherwise (bit 14 tells them apart).
  const key = (kw: string, i: number, k: number) =>
    exact[k] === 1
      ? (1 << 14) | (kw.charCodeAt(i) << 7) | kw.charCodeAt(i + 1)
      : (FOLD[kw.charCodeAt(i)] << 7) | FOLD[kw.charCodeAt(i + 1)];
  const uses = new Map<number, number>();
  const use = (pair: number, d: number) => uses.set(pair, (uses.get(pair) ?? 0) + d);
  keywords.forEach((kw, k) => {
    if (chosen[k] < 0) return;
    use(key(kw, chosen[k], k), 1);
    use(key(kw, chosen[k] + 1, k), 1);
  });
  for (let round = 0; round < 8; round++) {
    let moved = false;
    keywords.forEach((kw, k) => {
      if (chosen[k] < 0 || kw.length < 4) return;
      const folded = exact[k] === 1 ? kw : kw.toLowerCase();
      if (selfOverlapping(folded)) return;
      const o0 = chosen[k];
      use(key(kw, o0, k), -1);
      use(key(kw, o0 + 1, k), -1);
      const extra = (o: number) => {
        const a = key(kw, o, k);
        const b = key(kw, o + 1, k);
        return ((uses.get(a) ?? 0) > 0 ? 0 : pairCostIn(kw, o, exact[k] === 1)) +
          ((uses.get(b) ?? 0) > 0 || b === a ? 0 : pairCostIn(kw, o + 1, exact[k] === 1));
      };
      let best = o0;
      let bestCost = extra(o0);
      for (let o = 0; o + 2 < kw.length; o++) {
        const cost = extra(o);
        if (cost < bestCost) {
          bestCost = cost;
          best = o;
        }
      }
      use(key(kw, best, k), 1);
      use(key(kw, best + 1, k), 1);
      if (best !== o0) {
        chosen[k] = best;
        moved = true;
      }
    });
    if (!moved) return;
  }
}

/** A compiled set of keywords. */
export interface KeywordIndex {
  /** The keywords, as declared. */
  readonly keywords: readonly string[];
  /** Per keyword: 1 when matched case-sensitively. */
  readonly exact: Uint8Array;
  /**
   * Pair of characters as written (7 bits each) → flags, small enough to stay in cache: bit 0,
   * some keyword is filed under it; bits 2–3, the pair is numeric (digits and ` -.()+/` only)
   * with 1 or 2 digits, plus one (0 for a pair of separators).
   */
  readonly present: Uint8Array;
  /** Pair → 1 + offset in `lists`, 0 = none. */
  readonly table: Int32Array;
  /** Per pair: a 128-bit mask (4 words) of the characters that may follow it. */
  readonly third: Uint32Array;
  /** Per pair: a 128-bit mask of the characters that may precede it. */
  readonly before: Uint32Array;
  /**
   * A 65,536-bit filter of (pair, character before, character after) for keywords filed under
   * a pair inside them: both neighbours must fit, a much stronger test than either alone.
   */
  readonly around: Uint32Array;
  /** Per pair: (keyword index, position of the pair in the keyword) pairs, ended by -1. */
  readonly lists: Int32Array;
  /** All keywords' character codes, folded unless exact, back to back. */
  readonly chars: Int32Array;
  /** Per keyword: offset of its characters in `chars`. */
  readonly offsets: Int32Array;
  /** Per keyword: its length. */
  readonly lengths: Int32Array;
}

/** Per ASCII character: 0 not numeric, 1 a separator of ` -.()+/`, 2 a digit. */
const NUMERIC: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (const ch of " -.()+/") t[ch.charCodeAt(0)] = 1;
  for (let d = 48; d <= 57; d++) t[d] = 2;
  return t;
})();

/** The forms of an ASCII character a keyword accepts: itself, and its other case unless exact. */
function forms(code: number, exact: boolean): number[] {
  if (exact) return [code];
  const lower = FOLD[code];
  const upper = lower >= 97 && lower <= 122 ? lower - 32 : lower;
  return lower === upper ? [lower] : [lower, upper];
}

/**
 * Builds the index for `keywords` (non-empty ASCII strings).
 *
 * The pass reads one pair every two characters, so each keyword is filed under two adjacent
 * pairs of it (whichever starts at an even position is read, wherever the keyword is): the two
 * that are rarest. Pairs are filed as written — a case-insensitive keyword under every case
 * variant — so that the pass needs no case folding and case-sensitive keywords cost nothing
 * where their exact pair does not occur. A one- or two-character keyword is also filed under
 * every pair its first character can end.
 */
export function buildKeywordIndex(keywords: readonly string[]): KeywordIndex {
  const buckets = new Map<number, number[]>();
  const exact = Uint8Array.from(keywords, (k) => (k !== k.toLowerCase() ? 1 : 0));
  const file = (slot: number, k: number, at: number) => {
    const list = buckets.get(slot);
    if (list === undefined) buckets.set(slot, [k, at]);
    else list.push(k, at);
  };
  const add = (a: number, b: number, k: number, at: number) => {
    for (const x of forms(a, exact[k] === 1)) {
      for (const y of forms(b, exact[k] === 1)) file((x << 7) | y, k, at);
    }
  };
  // Per keyword of three characters or more: the offset of the first of its two filed pairs.
  const chosen = new Int32Array(keywords.length).fill(-1);
  keywords.forEach((kw, k) => {
    if ([...kw].some((ch) => ch.charCodeAt(0) > 127) || kw.length === 0) {
      throw new TypeError(`keyword #${k} must be non-empty ASCII`);
    }
    if (kw.length === 2) {
      // Read as itself at an even position, or after any character at an odd one.
      add(kw.charCodeAt(0), kw.charCodeAt(1), k, 0);
      for (const a of forms(kw.charCodeAt(0), exact[k] === 1)) {
        for (let b = 0; b < 128; b++) file((b << 7) | a, k, -1);
      }
      return;
    }
    if (kw.length === 1) {
      for (const a of forms(kw.charCodeAt(0), exact[k] === 1)) {
        for (let b = 0; b < 128; b++) {
          file((a << 7) | b, k, 0);
          file((b << 7) | a, k, -1);
        }
      }
      return;
    }
    let best = 0;
    let bestCost = Infinity;
    for (let o = 0; o + 2 < kw.length; o++) {
      // Pairs at o and o + 1 (one of them is read, whatever the keyword's position).
      const cost = pairCostIn(kw, o, exact[k] === 1) + pairCostIn(kw, o + 1, exact[k] === 1);
      if (cost < bestCost) {
        bestCost = cost;
        best = o;
      }
    }
    chosen[k] = best;
  });
  shareFiledPairs(keywords, exact, chosen);
  keywords.forEach((kw, k) => {
    const best = chosen[k];
    if (best < 0) return;
    const c = (i: number) => kw.charCodeAt(i);
    add(c(best), c(best + 1), k, best);
    add(c(best + 1), c(best + 2), k, best + 1);
  });
  const table = new Int32Array(1 << 14);
  const present = new Uint8Array(1 << 14);
  const third = new Uint32Array(4 << 14);
  const before = new Uint32Array(4 << 14);
  const around = new Uint32Array(1 << 11);
  const flat: number[] = [];
  const setBit = (mask: Uint32Array, slot: number, code: number, k: number) => {
    for (const x of forms(code, exact[k] === 1)) mask[slot * 4 + (x >> 5)] |= 1 << (x & 31);
  };
  for (const [slot, list] of buckets) {
    table[slot] = flat.length + 1;
    present[slot] |= 1;
    flat.push(...list, -1);
    for (let q = 0; q < list.length; q += 2) {
      // Filter on the character after the pair, or else the one before, or else none.
      const k = list[q];
      const kw = keywords[k];
      const next = list[q + 1] + 2;
      const prev = list[q + 1] - 1;
      if (next < kw.length && prev >= 0) {
        for (const b of forms(kw.charCodeAt(prev), exact[k] === 1)) {
          for (const a of forms(kw.charCodeAt(next), exact[k] === 1)) {
            const h = aroundHash(slot, b, a);
            around[h >> 5] |= 1 << (h & 31);
          }
        }
      } else if (next < kw.length) setBit(third, slot, kw.charCodeAt(next), k);
      else if (prev >= 0) setBit(before, slot, kw.charCodeAt(prev), k);
      else third.fill(0xffffffff, slot * 4, slot * 4 + 4);
    }
  }
  for (let a = 0; a < 128; a++) {
    for (let b = 0; b < 128; b++) {
      const na = NUMERIC[a];
      const nb = NUMERIC[b];
      // Numeric pairs holding one or two digits (separator-only pairs are not flagged).
      if (na !== 0 && nb !== 0 && na + nb > 2) present[(a << 7) | b] |= (na + nb - 1) << 2;
    }
  }
  const offsets = new Int32Array(keywords.length);
  const lengths = new Int32Array(keywords.length);
  const codes: number[] = [];
  keywords.forEach((kw, k) => {
    offsets[k] = codes.length;
    lengths[k] = kw.length;
    for (let j = 0; j < kw.length; j++) {
      codes.push(exact[k] === 1 ? kw.charCodeAt(j) : FOLD[kw.charCodeAt(j)]);
    }
  });
  return {
    keywords,
    exact,
    present,
    table,
    third,
    before,
    around,
    lists: Int32Array.from(flat),
    chars: Int32Array.from(codes),
    offsets,
    lengths,
  };
}

/** What one pass over a text found. */
export interface KeywordHits {
  /** Number of keyword hits. */
  count: number;
  /** Start of each hit in the text (not necessarily ascending). */
  pos: Int32Array;
  /** Index (in the {@link KeywordIndex}) of the keyword of each hit. */
  keyword: Int32Array;
  /** Numeric regions that may hold a long digit run, as [start, end) pairs, in text order. */
  regions: number[];
  /**
   * Per keyword: start of its last hit. An occurrence overlapping the previous one of the same
   * keyword (`AAAA…` in a run of A) is not reported: a match from the first covers it.
   */
  lastStart: Int32Array;
}

/** Hash of (pair, character before, character after) into 16 bits. */
function aroundHash(slot: number, before: number, after: number): number {
  return (Math.imul((slot << 14) | (before << 7) | after, 0x9e3779b1) >>> 16) & 0xffff;
}

/** ASCII code of a UTF-16 code unit, or NUL for anything else (no keyword has one). */
const ASCII: Uint8Array = (() => {
  const t = new Uint8Array(65536);
  for (let c = 0; c < 128; c++) t[c] = c;
  return t;
})();

/** Pairs read per block of the pass (see {@link findKeywords}). */
const BLOCK = 8192;
/** Per block: positions of the flagged pairs (some keyword is filed under them, or numeric). */
const flaggedPairs = new Int32Array(BLOCK);

/** True when both characters at `i` and `i + 1` are digits or ` -.()+/`. */
function numericPairAt(text: string, i: number): boolean {
  const a = text.charCodeAt(i);
  const b = text.charCodeAt(i + 1);
  return a < 128 && b < 128 && NUMERIC[a] !== 0 && NUMERIC[b] !== 0;
}

/**
 * Finds every occurrence of every keyword of `index` in `text`, and the regions of the text
 * where a run of at least `minDigits` digits may be (0: not looked for).
 *
 * The pass works in blocks of pairs: a tight loop without branches reads each pair once and
 * appends its position to a list of flagged pairs (some keyword is filed under the pair, or it
 * is numeric), advancing the list's length by 1 when the pair has a flag and 0 otherwise, so
 * that a text's mix of flagged and unflagged pairs costs no mispredicted branch; the short list
 * is then examined, in text order. The block buffers
 * are shared: the pass never yields or calls out (but to `onBlock`, after a block's buffers are
 * read, and which must not start another pass), so no other pass can use them meanwhile.
 *
 * With `onBlock`, the caller sees the hits as the pass goes: after each block but the last, it is
 * called with the hits so far and the position up to which the text was read (the regions found
 * so far are closed; hits are in the order found, not always ascending). Looking at new hits then, while that part of the text is still in the processor's
 * cache, costs much less than a second pass over a text of many megabytes. The last block has no
 * call: the returned hits are complete.
 *
 * With `reuse`, the hits are written into that object (its buffers are kept when large enough),
 * so that repeated passes allocate nothing; a pass overwrites what it held.
 */
export function findKeywords(
  text: string,
  index: KeywordIndex,
  minDigits = 0,
  onBlock?: (hits: KeywordHits, end: number) => void,
  reuse?: KeywordHits,
): KeywordHits {
  const { present, third, before, around } = index;
  const hits: KeywordHits = reuse ?? {
    count: 0,
    pos: new Int32Array(256),
    keyword: new Int32Array(256),
    regions: [],
    lastStart: new Int32Array(index.keywords.length),
  };
  hits.count = 0;
  hits.regions.length = 0;
  if (hits.lastStart.length !== index.keywords.length) {
    hits.lastStart = new Int32Array(index.keywords.length);
  }
  hits.lastStart.fill(-(1 << 30));
  const n = text.length;
  // A run of d digits shows at least d - 2 of them in whole pairs read by this pass; between
  // two pairs holding digits of one run there is at most one pair of separators. Runs are
  // closed lazily, when the next pair holding a digit is further away.
  const needDigits = minDigits > 0 ? Math.max(1, minDigits - 2) : Infinity;
  let numStart = -1;
  let numLast = -6;
  let numDigits = 0;
  // One pair every two characters: (0,1), (2,3), …; a last odd character pairs with NUL.
  for (let from = 0; from < n; from += 2 * BLOCK) {
    const to = Math.min(n, from + 2 * BLOCK);
    const whole = Math.min(to, n - 1);
    let fc = 0;
    let i = from;
    for (; i < whole; i += 2) {
      const v = present[(ASCII[text.charCodeAt(i)] << 7) | ASCII[text.charCodeAt(i + 1)]];
      flaggedPairs[fc] = i;
      fc += (v + 15) >> 4; // 1 when any flag is set (flags < 16)
    }
    if (i < to) {
      const v = present[ASCII[text.charCodeAt(i)] << 7];
      flaggedPairs[fc] = i;
      fc += (v + 15) >> 4;
    }
    for (let q = 0; q < fc; q++) {
      const p = flaggedPairs[q];
      const slot = (ASCII[text.charCodeAt(p)] << 7) |
        (p + 1 < n ? ASCII[text.charCodeAt(p + 1)] : 0);
      const v = present[slot];
      if (v > 1) {
        // A numeric pair holding a digit (bits 2–3; bit 1 is never set).
        if (p !== numLast + 2 && !(p === numLast + 4 && numericPairAt(text, numLast + 2))) {
          if (numDigits >= needDigits) hits.regions.push(numStart, numLast + 2);
          numStart = p;
          numDigits = 0;
        }
        numLast = p;
        numDigits += (v >> 2) - 1;
        if ((v & 1) === 0) continue;
      }
      // The characters around the pair must fit some keyword filed under it.
      const c3 = p + 2 < n ? ASCII[text.charCodeAt(p + 2)] : 0;
      const c0 = p > 0 ? ASCII[text.charCodeAt(p - 1)] : 0;
      const h = aroundHash(slot, c0, c3);
      if (
        (third[slot * 4 + (c3 >> 5)] & (1 << (c3 & 31))) === 0 &&
        (before[slot * 4 + (c0 >> 5)] & (1 << (c0 & 31))) === 0 &&
        (around[h >> 5] & (1 << (h & 31))) === 0
      ) continue;
      candidates(text, index, slot, p, hits);
    }
    if (onBlock !== undefined && to < n) onBlock(hits, to);
  }
  if (numDigits >= needDigits) hits.regions.push(numStart, Math.min(n, numLast + 2));
  return hits;
}

/** Checks the keywords filed under `slot` against the text around the pair at `i`. */
function candidates(
  text: string,
  index: KeywordIndex,
  slot: number,
  i: number,
  hits: KeywordHits,
): void {
  const { table, lists, chars, offsets, lengths, exact } = index;
  const n = text.length;
  for (let q = table[slot] - 1; lists[q] !== -1; q += 2) {
    const k = lists[q];
    const start = i - lists[q + 1];
    const len = lengths[k];
    if (start < 0 || start + len > n) continue;
    const off = offsets[k];
    let j = 0;
    if (exact[k] === 1) {
      while (j < len && text.charCodeAt(start + j) === chars[off + j]) j++;
    } else {
      while (j < len && FOLD[text.charCodeAt(start + j)] === chars[off + j]) j++;
    }
    if (j < len || start < hits.lastStart[k] + len) continue;
    hits.lastStart[k] = start;
    if (hits.count === hits.pos.length) {
      const p2 = new Int32Array(hits.count * 2);
      p2.set(hits.pos);
      hits.pos = p2;
      const k2 = new Int32Array(hits.count * 2);
      k2.set(hits.keyword);
      hits.keyword = k2;
    }
    hits.pos[hits.count] = start;
    hits.keyword[hits.count] = k;
    hits.count++;
  }
}

/** {@link NUMERIC} of the character at `i`: 1 for a separator a digit run may hold, 2 a digit. */
function runChar(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 128 ? NUMERIC[c] : 0;
}

/**
 * Digit runs of at least `minDigits` digits inside `regions` (from {@link findKeywords}), as
 * [start, end, digit count] triples in text order.
 *
 * A run is what `/[+(]?\d(?:[ \-.()\/+]{0,2}\d){6,}/g` matches (digits with at most two of
 * ` -.()/+` between them, optionally after a `+` or `(`; seven digits or more), found by a plain
 * loop: a regex repeating a group once per digit runs out of backtracking stack on a run of
 * millions of digits.
 *
 * Regions are independent: `fromRegion` skips the first ones (already looked at), and the runs
 * are appended to `out`.
 */
export function findDigitRuns(
  text: string,
  regions: readonly number[],
  minDigits: number,
  fromRegion = 0,
  out: number[] = [],
): number[] {
  const need = Math.max(7, minDigits);
  for (let r = 2 * fromRegion; r < regions.length; r += 2) {
    // Widen by three characters on each side: a run's first (or last) digit may share its pair
    // with a letter, and be followed (preceded) by a pair of two separators, none of them in a
    // region.
    const from = Math.max(0, regions[r] - 3);
    const to = Math.min(text.length, regions[r + 1] + 3);
    let i = from;
    while (i < to) {
      if (runChar(text, i) !== 2) {
        i++;
        continue;
      }
      // A run from the digit at i: then (up to two separators, a digit) as often as they come.
      let end = i + 1;
      let digits = 1;
      for (;;) {
        let j = end;
        if (j < to && runChar(text, j) === 1) j++;
        if (j < to && runChar(text, j) === 1) j++;
        if (j < to && runChar(text, j) === 2) {
          end = j + 1;
          digits++;
        } else break;
      }
      if (digits >= need) {
        const lead = i > from && (text.charCodeAt(i - 1) === 43 || text.charCodeAt(i - 1) === 40);
        out.push(lead ? i - 1 : i, end, digits);
      }
      // No later start inside this run has more digits; go on after it.
      i = end;
    }
  }
  return out;
}
