// The works the demos' texts cite, each once here (docs/references.md lists them in full): a
// citation names the authors and year and links the title, so a reader can go on to the paper.
const PAPERS = {
  // The report gives no date and the copy the project used no address: authors and title only.
  ilinFriesen: { who: 'Ilin & Friesen', title: 'Conditional Generative Diffusion with Langevin Dynamics' },
  // Neither author nor address is given in the copy the project used.
  notes: { who: 'lecture notes', title: 'Conditional Diffusion Models' },
  songSde: { who: 'Song et al.', year: 2021, title: 'Score-Based Generative Modeling through Stochastic Differential Equations', url: 'https://arxiv.org/abs/2011.13456' },
  ddim: { who: 'Song, Meng & Ermon', year: 2021, title: 'Denoising Diffusion Implicit Models', url: 'https://arxiv.org/abs/2010.02502' },
  hoSalimans: { who: 'Ho & Salimans', year: 2021, title: 'Classifier-Free Diffusion Guidance', url: 'https://arxiv.org/abs/2207.12598' },
  dhariwalNichol: { who: 'Dhariwal & Nichol', year: 2021, title: 'Diffusion Models Beat GANs on Image Synthesis', url: 'https://arxiv.org/abs/2105.05233' },
  repaint: { who: 'Lugmayr et al.', year: 2022, title: 'RePaint: Inpainting using Denoising Diffusion Probabilistic Models', url: 'https://arxiv.org/abs/2201.09865' },
  videoDiffusion: { who: 'Ho et al.', year: 2022, title: 'Video Diffusion Models', url: 'https://arxiv.org/abs/2204.03458' },
  dps: { who: 'Chung et al.', year: 2023, title: 'Diffusion Posterior Sampling for General Noisy Inverse Problems', url: 'https://arxiv.org/abs/2209.14687' },
  energy: { who: 'Lu et al.', year: 2023, title: 'Contrastive Energy Prediction for Exact Energy-Guided Diffusion Sampling in Offline Reinforcement Learning', url: 'https://arxiv.org/abs/2304.12824' },
  fan: { who: 'Fan', year: 2024, title: 'Guided diffusion models', url: 'https://pkufjh.github.io/blog/2024/guided-diffusion/' },
  trippe: { who: 'Trippe, Yim et al.', year: 2023, title: 'Diffusion Probabilistic Modeling of Protein Backbones in 3D for the Motif-Scaffolding Problem', url: 'https://arxiv.org/abs/2206.04119' },
  // Fan's post gives the force-guided algorithm without naming a paper; this is the one it follows.
  confdiff: { who: 'Wang et al.', year: 2024, title: 'Protein Conformation Generation via Force-Guided SE(3) Diffusion Models', url: 'https://arxiv.org/abs/2403.14088' },
};

// "Authors (year, Title)" as HTML for a demo's intro; the title links to the paper where it has an
// address, in a new tab so that the demo keeps running.
export function cite(key) {
  const { who, year, title, url } = PAPERS[key];
  const name = url ? `<a href="${url}" target="_blank" rel="noopener"><cite>${title}</cite></a>` : `<cite>${title}</cite>`;
  return `${who} (${year ? `${year}, ` : ''}${name})`;
}
