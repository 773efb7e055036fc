# SPDX-License-Identifier: GPL-2.0-only
# Plots of docs/performance.md, from bench/summarize's data files.
# gnuplot -e "d='DATA_DIR'; o='OUT_DIR'" bench/plots.gp
set terminal svg size 720,420 dynamic font "sans,12" noenhanced
set logscale x 2
set format x "%.0b%B"
set xlabel "chunk size (bytes)"
set grid
set key top left

set output o."/perf-map-unmap.svg"
set logscale y 10
set ylabel "median time per call (µs)"
set title "MAP_DMA / UNMAP_DMA, type1 vs iommufd compat (lab VM, TCG, device open)"
plot d."/bench.dat" using 1:2 with linespoints title "type1 map", \
     d."/bench.dat" using 1:3 with linespoints title "iommufd map", \
     d."/bench.dat" using 1:4 with linespoints title "type1 unmap", \
     d."/bench.dat" using 1:5 with linespoints title "iommufd unmap"

set output o."/perf-p3.svg"
unset logscale y
set ylabel "direct iommufd time / shim time"
set title "P3: the shim's cost on MAP+UNMAP (>= 0.99: nothing measurable)"
set yrange [0:2]
plot d."/p3.dat" using 1:2:3:4 with yerrorlines title "median (min-max over 3 rounds)", \
     0.99 with lines dashtype 2 title "goal 0.99"
