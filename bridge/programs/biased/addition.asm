; addition with the ADD op
.machine M=15 R=5
.init r0=0 r1=1
       r2 = READ r0
       r3 = READ r1
       r2 = ADD r2, r3
       WRITE r0, r2
       STOP
